#include "modelloader.h"

#include "codecatalog.h"
#include "fc/model/engine.h"

#include <QElapsedTimer>
#include <QtConcurrent/QtConcurrentRun>

namespace fc {

namespace {

LoadedModel loadModel(const QString& directory, int threads, bool fast) {
    LoadedModel result;
    QElapsedTimer timer;
    timer.start();
    try {
        result.engine = Engine::load(directory.toStdString(), threads, fast);
    } catch (const std::exception& e) {
        result.error = QString::fromUtf8(e.what());
    }
    if (result.engine) {
        QStringList systems;
        for (const std::string& system : result.engine->info().labelSystems)
            if (system != "unknown" && !systems.contains(QString::fromStdString(system)))
                systems << QString::fromStdString(system);
        const QString catalogDirectory = CodeCatalog::locateDirectory(&result.catalogError);
        if (!catalogDirectory.isEmpty())
            result.catalog = CodeCatalog::load(catalogDirectory, systems, &result.catalogError);
    }
    result.milliseconds = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    try {
        result.slowBlasWarning = QString::fromStdString(slowBlasWarning());
    } catch (const std::exception&) {
        // The check is advisory; a failure to measure is not worth a banner.
    }
    return result;
}

} // namespace

ModelLoader::ModelLoader(QObject* parent) : QObject(parent) {
    qRegisterMetaType<fc::LoadedModel>();
}

ModelLoader::~ModelLoader() {
    if (m_watcher)
        m_watcher->waitForFinished();
}

void ModelLoader::load(const QString& directory, int threads, bool fast) {
    auto* watcher = new QFutureWatcher<LoadedModel>(this);
    connect(watcher, &QFutureWatcher<LoadedModel>::finished, this, [this, watcher]() {
        const bool current = watcher == m_watcher;
        if (current)
            m_watcher = nullptr;
        const LoadedModel result = watcher->result();
        watcher->deleteLater();
        if (current)
            Q_EMIT loaded(result);
    });
    m_watcher = watcher;
    watcher->setFuture(QtConcurrent::run(loadModel, directory, threads, fast));
}

} // namespace fc
