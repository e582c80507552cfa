#pragma once
// The main window's "Learn" menu: "Fine-tune…" opens the LearnDialog, "Insights…" the InsightsDialog.
// Kept out of mainwindow.cpp so the window only states where its database, model and catalog are.
#include <QString>

#include <functional>
#include <memory>

class QMainWindow;

namespace fc {
class CodeCatalog;
class Engine;
} // namespace fc

namespace fc::ui {

// Adds "&Learn" to window's menu bar. The callables are asked when an entry is chosen: databasePath ("" =
// decisions are not being saved; the entries then say so), modelDir (the loaded model's directory; "" =
// none), catalog (may return null). New fine-tuned versions go to <AppDataLocation>/models. When the coder
// activates or rolls back a version, onEngineChanged receives the loaded engine on the UI thread (the window
// hands it to AnalysisService::setEngine: the next analysis uses it, no restart).
void addLearnMenu(QMainWindow* window, std::function<QString()> databasePath,
                  std::function<QString()> modelDir,
                  std::function<std::shared_ptr<const CodeCatalog>()> catalog,
                  std::function<void(std::shared_ptr<const Engine>)> onEngineChanged);

} // namespace fc::ui
