#include "learnmenu.h"

#include "insightsdialog.h"
#include "learndialog.h"
#include "modelmanager.h"

#include <QDir>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QStandardPaths>

#include <exception>

namespace fc::ui {

void addLearnMenu(QMainWindow* window, std::function<QString()> databasePath,
                  std::function<QString()> modelDir,
                  std::function<std::shared_ptr<const CodeCatalog>()> catalog,
                  std::function<void(std::shared_ptr<const Engine>)> onEngineChanged) {
    QMenu* learn = window->menuBar()->addMenu(QObject::tr("&Learn"));
    const auto database = [window, databasePath]() -> QString {
        const QString path = databasePath ? databasePath() : QString();
        if (path.isEmpty())
            QMessageBox::information(window, QObject::tr("Learn"),
                                     QObject::tr("Decisions are not being saved (no database), so there is "
                                                 "nothing to learn from yet."));
        return path;
    };
    learn->addAction(QObject::tr("&Fine-tune…"), window, [=]() {
        const QString db = database();
        if (db.isEmpty())
            return;
        const QString versions = QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
                                     .filePath(QStringLiteral("models"));
        try {
            auto* dialog = new LearnDialog(db, modelDir ? modelDir() : QString(), versions,
                                           catalog ? catalog() : nullptr, window);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            if (onEngineChanged)
                QObject::connect(dialog->modelManager(), &ModelManager::engineChanged, window,
                                 [onEngineChanged](std::shared_ptr<const Engine> engine, qint64) {
                                     onEngineChanged(std::move(engine));
                                 });
            dialog->show();
        } catch (const std::exception& e) {
            QMessageBox::warning(
                window, QObject::tr("Learn"),
                QObject::tr("The database cannot be opened: %1").arg(QString::fromUtf8(e.what())));
        }
    });
    learn->addAction(QObject::tr("&Insights…"), window, [=]() {
        const QString db = database();
        if (db.isEmpty())
            return;
        try {
            auto* dialog = new InsightsDialog(db, catalog ? catalog() : nullptr, window);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            dialog->show();
        } catch (const std::exception& e) {
            QMessageBox::warning(
                window, QObject::tr("Insights"),
                QObject::tr("The decisions cannot be read: %1").arg(QString::fromUtf8(e.what())));
        }
    });
}

} // namespace fc::ui
