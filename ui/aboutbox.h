#pragma once
// Help -> About: the application, the live model's card, its catalogs and where decisions are saved.
// Non-modal; deleted on close. Threading: UI thread only.
class QWidget;

namespace fc {
class CodingSession;
}

namespace fc::ui {

QWidget* showAboutBox(QWidget* parent, CodingSession& session);

// The banner text of a placeholder model (random weights).
const char* placeholderWarning();

} // namespace fc::ui
