#pragma once
// The main window's "Learn" menu: "Fine-tune…" opens the LearnDialog, "Insights…" the InsightsDialog.
// Kept out of mainwindow.cpp so the window only hands over its CodingSession.
class QMainWindow;

namespace fc {
class CodingSession;
}

namespace fc::ui {

// Adds "&Learn" to window's menu bar. When decisions are not being saved the entries say so. New
// fine-tuned versions go to <AppDataLocation>/models; activating or rolling back one goes through the
// session's swap path (catalog, threshold, banner and re-analysis follow, no restart).
void addLearnMenu(QMainWindow* window, CodingSession* session);

} // namespace fc::ui
