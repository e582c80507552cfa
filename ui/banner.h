#pragma once
// A full-width message strip above the work area for conditions the coder must not miss (placeholder
// model, slow BLAS, decisions not saved). Shown with an icon and bold text, not by colour alone.
#include <QFrame>

class QLabel;

namespace fc::ui {

class Banner : public QFrame {
    Q_OBJECT
public:
    enum class Kind { Information, Warning, Error };

    explicit Banner(Kind kind, QWidget* parent = nullptr);

    // Shows the banner with this text; an empty text hides it.
    void setMessage(const QString& text);
    QString message() const;
    Kind kind() const { return m_kind; }

private:
    Kind m_kind;
    QLabel* m_icon;
    QLabel* m_text;
};

} // namespace fc::ui
