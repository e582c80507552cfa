#include "learnmenu.h"

#include "codingsession.h"
#include "insightsdialog.h"
#include "learndialog.h"

#include <QDir>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QStandardPaths>

namespace fc::ui {

void addLearnMenu(QMainWindow* window, CodingSession* session) {
    QMenu* learn = window->menuBar()->addMenu(QObject::tr("&Learn"));
    const auto saving = [window, session]() {
        if (!session->isSaving())
            QMessageBox::information(window, QObject::tr("Learn"),
                                     QObject::tr("Decisions are not being saved (no database), so there is "
                                                 "nothing to learn from yet."));
        return session->isSaving();
    };
    learn->addAction(QObject::tr("&Fine-tune…"), window, [=]() {
        if (!saving())
            return;
        const QString versions = QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
                                     .filePath(QStringLiteral("models"));
        auto* dialog = new LearnDialog(session, versions, window);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    });
    learn->addAction(QObject::tr("&Insights…"), window, [=]() {
        if (!saving())
            return;
        auto* dialog = new InsightsDialog(session, window); // a read failure stops saving, with a message
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
    });
}

} // namespace fc::ui
