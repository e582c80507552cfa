#pragma once
// Loads a model directory off the UI thread (Engine::load takes seconds) and measures the BLAS in the
// same background job. A newer load() supersedes an older one: a stale result is dropped.
// Signals are delivered on the thread that owns the loader (the UI thread).
#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <memory>

namespace fc {
class CodeCatalog;
class Engine;
} // namespace fc

namespace fc {

struct LoadedModel {
    std::shared_ptr<const Engine> engine;       // null when loading failed
    QString error;                              // one line, non-empty on failure
    QString slowBlasWarning;                    // fc::slowBlasWarning(); empty when the BLAS is fast
    std::shared_ptr<const CodeCatalog> catalog; // the systems of the model's labels; null if unavailable
    QString catalogError;                       // why there is no catalog
    double milliseconds = 0.0;                  // load time
};

class ModelLoader : public QObject {
    Q_OBJECT
public:
    explicit ModelLoader(QObject* parent = nullptr);
    ~ModelLoader() override;

    // threads: LibTorch intra-op threads (0 = number of cores).
    // fast: the network in bfloat16 where the CPU has it natively (Engine::load;
    // LoadedModel::engine->fast()).
    void load(const QString& directory, int threads, bool fast = false);
    bool isLoading() const { return m_watcher != nullptr; }

Q_SIGNALS:
    void loaded(const fc::LoadedModel& model);

private:
    QFutureWatcher<LoadedModel>* m_watcher = nullptr;
};

} // namespace fc

Q_DECLARE_METATYPE(fc::LoadedModel)
