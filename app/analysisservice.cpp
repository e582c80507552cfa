#include "analysisservice.h"

#include "fc/model/engine.h"
#include "fc/model/errors.h"

#include <QElapsedTimer>
#include <QtConcurrent/QtConcurrentRun>

namespace fc {

namespace {

AnalysisResult runAnalysis(std::shared_ptr<const Engine> engine, QString text, quint64 generation,
                           std::shared_ptr<std::atomic<bool>> cancel,
                           std::shared_ptr<AnalysisService::Progress> progress) {
    AnalysisResult result;
    result.generation = generation;
    result.text = text;
    if (!engine) {
        result.error = QStringLiteral("No model is loaded.");
        return result;
    }
    QElapsedTimer timer;
    timer.start();
    try {
        const QByteArray utf8 = text.toUtf8();
        WindowOptions windows;
        windows.progress = [progress](std::int64_t done, std::int64_t total) {
            progress->total.store(total);
            progress->done.store(done);
        };
        result.prediction =
            engine->predict(std::string_view(utf8.constData(), static_cast<size_t>(utf8.size())),
                            PredictOptions{}, cancel.get(), windows);
    } catch (const Cancelled&) {
        result.error = QStringLiteral("cancelled");
    } catch (const std::exception& e) {
        result.error = QString::fromUtf8(e.what());
    }
    result.milliseconds = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    return result;
}

} // namespace

AnalysisService::AnalysisService(QObject* parent) : QObject(parent), m_progressTimer(new QTimer(this)) {
    qRegisterMetaType<fc::AnalysisResult>();
    m_progressTimer->setInterval(150);
    connect(m_progressTimer, &QTimer::timeout, this, &AnalysisService::pollProgress);
}

AnalysisService::~AnalysisService() {
    cancel();
    // The job holds its own references (engine, cancel flag); waiting keeps shutdown orderly.
    if (m_watcher)
        m_watcher->waitForFinished();
}

quint64 AnalysisService::analyse(const QString& text, std::shared_ptr<const Engine> engine) {
    cancel();
    const quint64 generation = ++m_generation;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_progress = std::make_shared<Progress>();
    m_reportedDone = -1;
    m_progressTimer->start();
    // One watcher per job: a superseded job finishes in the background and its result is dropped.
    auto* watcher = new QFutureWatcher<AnalysisResult>(this);
    connect(watcher, &QFutureWatcher<AnalysisResult>::finished, this, [this, watcher]() {
        const AnalysisResult result = watcher->result();
        if (watcher == m_watcher)
            m_watcher = nullptr;
        watcher->deleteLater();
        if (result.generation == m_generation) {
            m_progressTimer->stop();
            Q_EMIT finished(result);
        }
    });
    m_watcher = watcher;
    watcher->setFuture(
        QtConcurrent::run(runAnalysis, std::move(engine), text, generation, m_cancel, m_progress));
    Q_EMIT started(generation);
    return generation;
}

void AnalysisService::cancel() {
    if (m_cancel)
        m_cancel->store(true);
}

void AnalysisService::pollProgress() {
    if (!m_progress)
        return;
    const qint64 total = m_progress->total.load(), done = m_progress->done.load();
    // A one-window note has nothing worth showing between "started" and "finished".
    if (total > 1 && done != m_reportedDone) {
        m_reportedDone = done;
        Q_EMIT progress(done, total);
    }
}

bool AnalysisService::isBusy() const {
    return m_watcher != nullptr && !m_watcher->isFinished();
}

} // namespace fc
