#include "finetunejob.h"

#include "codecatalog.h"
#include "databasepassphrase.h"
#include "feedbackservice.h"
#include "modelmanager.h"

#include "fc/model/dataset.h"
#include "fc/model/errors.h"
#include "fc/model/modelfiles.h"
#include "fc/storage/database.h"
#include "fc/storage/model_repositories.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSysInfo>
#include <QtConcurrent/QtConcurrentRun>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <set>

#include <unistd.h>

namespace fc {

namespace {

using Clock = std::chrono::steady_clock;

// Training covers this part of the run's fraction; collecting comes before it, the gate after.
constexpr double kTrainBegin = 0.05;
constexpr double kTrainEnd = 0.85;

QString settingsJson(const FineTuneJobSettings& s, const QString& devPath) {
    QJsonObject o;
    o.insert(QStringLiteral("base_model"), s.baseModelDir);
    o.insert(QStringLiteral("dev"), devPath);
    o.insert(QStringLiteral("replay"), QString::fromStdString(s.options.replayPath));
    o.insert(QStringLiteral("epochs"), s.options.epochs);
    o.insert(QStringLiteral("learning_rate"), s.options.learningRate);
    o.insert(QStringLiteral("batch_size"), s.options.batchSize);
    o.insert(QStringLiteral("held_out_fraction"), s.heldOutFraction);
    o.insert(QStringLiteral("tolerance"), s.gate.tolerance);
    o.insert(QStringLiteral("extend_labels"), s.options.extendLabels);
    o.insert(QStringLiteral("update_neighbour_index"), s.options.updateNeighbourIndex);
    // Who runs it and where it writes: lets a later run recognise this one as interrupted.
    o.insert(QStringLiteral("out"), s.outDir);
    o.insert(QStringLiteral("versions_dir"), s.versionsDir);
    o.insert(QStringLiteral("host"), QSysInfo::machineHostName());
    o.insert(QStringLiteral("pid"), static_cast<qint64>(::getpid()));
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QString finalDirectory(const QString& outDir, const QString& versionsDir, std::int64_t runId) {
    return outDir.isEmpty() ? QDir(versionsDir).filePath(QStringLiteral("ft-%1").arg(runId))
                            : QDir::cleanPath(QFileInfo(outDir).absoluteFilePath());
}

// The staging directory and the temporaries written beside it (".<name>.tmp-*", ".<name>.neighbours.tsv").
void removeStagingFiles(const QString& stagingDir) {
    std::error_code ignored;
    const std::filesystem::path staging = stagingDir.toStdString();
    std::filesystem::remove_all(staging, ignored);
    const std::string prefix = "." + staging.filename().string() + ".";
    for (std::filesystem::directory_iterator it(staging.parent_path(), ignored), end; !ignored && it != end;
         it.increment(ignored))
        if (it->path().filename().string().rfind(prefix, 0) == 0)
            std::filesystem::remove_all(it->path(), ignored);
}

bool processAlive(qint64 pid) {
    return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

// Runs left "running" by a process of this machine that no longer exists (killed, crashed, power cut) are
// marked failed and their staging files removed: the history says what happened and no half-written model
// lingers. Runs of another machine (a shared database) or of a live process are left alone.
void recoverInterruptedRuns(storage::FineTuneRunRepository& runs) {
    for (const auto& run : runs.all()) {
        if (run.status != storage::FineTuneStatus::Running)
            continue;
        const QJsonObject s = QJsonDocument::fromJson(QByteArray::fromStdString(run.settingsJson)).object();
        const qint64 pid = s.value(QStringLiteral("pid")).toInteger();
        if (s.value(QStringLiteral("host")).toString() != QSysInfo::machineHostName() || processAlive(pid))
            continue;
        const QString out = s.value(QStringLiteral("out")).toString();
        const QString versionsDir = s.value(QStringLiteral("versions_dir")).toString();
        if (!out.isEmpty() || !versionsDir.isEmpty())
            removeStagingFiles(finalDirectory(out, versionsDir, run.id) + QStringLiteral(".staging"));
        runs.finish(run.id, storage::FineTuneStatus::Failed, 0,
                    "interrupted: process " + std::to_string(pid) +
                        " ended before the run finished; nothing was registered\n");
    }
}

// The registered version of baseDir, registering it in place (and marking it active when nothing is) when
// it is not registered yet.
std::int64_t ensureBaseVersion(storage::Database& db, ModelManager& manager, const QString& baseDir) {
    if (const auto id = manager.findByPath(baseDir))
        return id;
    const ModelConfig config = readModelConfig(baseDir.toStdString());
    storage::ModelVersionRecord record;
    record.path = QDir::cleanPath(QFileInfo(baseDir).absoluteFilePath()).toStdString();
    record.name = config.name + " " + config.version;
    record.trainingSummary = "base model, registered by the first fine-tuning run";
    storage::ModelVersionRepository versions(db);
    storage::Transaction transaction(db);
    const std::int64_t id = versions.add(record);
    if (!versions.active())
        versions.activate(id);
    transaction.commit();
    return id;
}

QString summaryOf(const FineTuneResult& r, std::size_t heldOut) {
    QString text = QStringLiteral("%1 reviewed notes (+%2 replay per epoch), %3 held out, %4 epochs")
                       .arg(r.reviewedExamples)
                       .arg(r.replayExamples)
                       .arg(heldOut)
                       .arg(r.epochLoss.size());
    if (r.indexAdded + r.indexReplaced > 0)
        text += QStringLiteral(", %1 notes added to the neighbour index (%2 already there)")
                    .arg(r.indexAdded)
                    .arg(r.indexReplaced);
    if (!r.labelsAdded.empty()) {
        QStringList added;
        for (const auto& code : r.labelsAdded)
            added << QString::fromStdString(code);
        text += QStringLiteral(", labels added: ") + added.join(QStringLiteral(" "));
    }
    return text;
}

} // namespace

void addDescriptions(FineTuneOptions& options, const std::vector<ReviewedNote>& notes,
                     const CodeCatalog* catalog) {
    if (!catalog)
        return;
    std::set<std::string> codes;
    for (const auto& note : notes)
        codes.insert(note.positive.begin(), note.positive.end());
    for (const auto& code : codes) {
        if (options.descriptions.count(code))
            continue;
        if (const auto entry = catalog->lookupAny(QString::fromStdString(code)))
            options.descriptions[code] = entry->longDescription.toStdString();
    }
}

QString devDatasetOfModel(const QString& modelDir) {
    QFile file(QDir(modelDir).filePath(QStringLiteral("model.json")));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QString dev =
        QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("dev_data")).toString();
    if (dev.isEmpty())
        return {};
    const QString path = QFileInfo(dev).isAbsolute() ? dev : QDir(modelDir).filePath(dev);
    return QFileInfo::exists(path) ? path : QString();
}

FineTuneJobResult runFineTunePipeline(const FineTuneJobSettings& settings, const std::atomic<bool>& cancel,
                                      const FineTuneJobProgressFn& progress) {
    FineTuneJobResult result;
    const auto report = [&](FineTuneJobProgress p) {
        if (progress)
            progress(p);
    };
    const auto note = [&](const QString& line) {
        result.log += line + QLatin1Char('\n');
        FineTuneJobProgress p;
        p.phase = QStringLiteral("collect");
        p.message = line;
        p.etaSeconds = -1;
        report(p);
    };

    storage::Database db(settings.databasePath.toStdString(), databaseOptions(settings.databasePath));
    ModelManager manager(db);
    storage::FineTuneRunRepository runs(db);
    const QString devPath =
        settings.devPath.isEmpty() ? devDatasetOfModel(settings.baseModelDir) : settings.devPath;

    recoverInterruptedRuns(runs);
    result.baseVersionId = ensureBaseVersion(db, manager, settings.baseModelDir);
    storage::FineTuneRunRecord run;
    run.modelVersionId = result.baseVersionId;
    run.status = storage::FineTuneStatus::Running;
    run.settingsJson = settingsJson(settings, devPath).toStdString();
    result.runId = runs.create(run);

    const QString finalDir = finalDirectory(settings.outDir, settings.versionsDir, result.runId);
    const QString stagingDir = finalDir + QStringLiteral(".staging");
    const auto removeStaging = [&] { removeStagingFiles(stagingDir); };
    const auto finishCancelled = [&] {
        removeStaging();
        result.cancelled = true;
        result.log += QStringLiteral("cancelled\n");
        runs.finish(result.runId, storage::FineTuneStatus::Cancelled, 0, "cancelled\n");
        return result;
    };

    try {
        FeedbackService feedback(db);
        const std::vector<ReviewedNote> reviewed = feedback.reviewedNotes();
        if (reviewed.empty())
            throw InputError("no reviewed notes yet: accept, reject or add codes on some notes first");
        const ReviewSplit split = splitReviewedNotes(reviewed, settings.heldOutFraction);
        result.fineTuneNotes = split.fineTune.size();
        result.heldOutNotes = split.heldOut.size();
        note(QStringLiteral("%1 reviewed notes: %2 for fine-tuning, %3 held out")
                 .arg(reviewed.size())
                 .arg(split.fineTune.size())
                 .arg(split.heldOut.size()));
        std::vector<Document> dev;
        if (!devPath.isEmpty()) {
            dev = loadDataset(devPath.toStdString());
            note(QStringLiteral("dev set %1: %2 notes").arg(devPath).arg(dev.size()));
        } else {
            note(QStringLiteral("no dev set: the gate uses the held-out reviewed notes only"));
        }
        runs.updateProgress(result.runId, kTrainBegin, result.log.toStdString());
        const std::size_t loggedUpTo = static_cast<std::size_t>(result.log.size());

        FineTuneOptions options = settings.options;
        addDescriptions(options, reviewed, settings.catalog.get());
        if (QFileInfo::exists(finalDir))
            throw InputError(finalDir.toStdString() + " already exists");
        QDir().mkpath(QFileInfo(finalDir).absolutePath());
        removeStaging();
        FineTuneCallbacks callbacks;
        callbacks.cancel = &cancel;
        auto lastWrite = Clock::now();
        callbacks.progress = [&](const FineTuneProgress& p) {
            FineTuneJobProgress out;
            out.phase = QStringLiteral("train");
            out.epoch = p.epoch;
            out.epochs = p.epochs;
            out.examplesDone = static_cast<qint64>(p.examplesDone);
            out.examples = static_cast<qint64>(p.examples);
            out.loss = p.loss;
            out.etaSeconds = p.etaSeconds;
            out.fraction = kTrainBegin + (kTrainEnd - kTrainBegin) * p.fraction;
            report(out);
            if (Clock::now() - lastWrite >= std::chrono::seconds(1)) {
                lastWrite = Clock::now();
                runs.updateProgress(result.runId, out.fraction);
            }
        };
        callbacks.message = [&](const std::string& line) { note(QString::fromStdString(line)); };
        result.fineTune = fineTune(settings.baseModelDir.toStdString(), split.fineTune, options,
                                   stagingDir.toStdString(), callbacks);
        if (result.fineTune.cancelled || cancel.load())
            return finishCancelled();
        runs.updateProgress(result.runId, kTrainEnd,
                            result.log.mid(static_cast<int>(loggedUpTo)).toStdString() +
                                QStringLiteral("training done: %1 labels, %2 s\n")
                                    .arg(result.fineTune.labels)
                                    .arg(result.fineTune.seconds, 0, 'f', 1)
                                    .toStdString());

        FineTuneJobProgress gate;
        gate.phase = QStringLiteral("gate");
        gate.fraction = kTrainEnd;
        gate.message = QStringLiteral("comparing the new model with the current one");
        report(gate);
        GateOptions gateOptions = settings.gate;
        if (gateOptions.threads == 0)
            gateOptions.threads = options.threads;
        result.comparison = compareModels(settings.baseModelDir.toStdString(), stagingDir.toStdString(),
                                          reviewedNotesAsDocuments(split.heldOut), dev, gateOptions, &cancel);
        if (cancel.load())
            return finishCancelled();
        result.gatePassed = result.comparison.acceptable;
        result.comparisonJson = QString::fromStdString(comparisonToJson(result.comparison));
        note(QStringLiteral("gate: %1").arg(QString::fromStdString(result.comparison.verdict)));

        FineTuneJobProgress registering;
        registering.phase = QStringLiteral("register");
        registering.fraction = 0.95;
        report(registering);
        const ModelConfig config = readModelConfig(stagingDir.toStdString());
        storage::ModelVersionRecord record;
        record.parentId = result.baseVersionId;
        record.name = config.name + " " + config.version;
        record.trainingSummary = summaryOf(result.fineTune, split.heldOut.size()).toStdString();
        record.metricsJson = result.comparisonJson.toStdString();
        result.newVersionId = manager.registerVersion(stagingDir, finalDir, record);
        result.newVersionDir = finalDir;
        const QString done =
            QStringLiteral("registered version %1 at %2 (gate %3)")
                .arg(result.newVersionId)
                .arg(finalDir, result.gatePassed ? QStringLiteral("passed") : QStringLiteral("not passed"));
        result.log += done + QLatin1Char('\n');
        runs.finish(result.runId, storage::FineTuneStatus::Succeeded, result.newVersionId,
                    QStringLiteral("gate: %1\n%2\n")
                        .arg(QString::fromStdString(result.comparison.verdict), done)
                        .toStdString());
        FineTuneJobProgress end;
        end.phase = QStringLiteral("register");
        end.fraction = 1.0;
        end.message = done;
        report(end);
        return result;
    } catch (const Cancelled&) {
        return finishCancelled();
    } catch (const std::exception& e) {
        removeStaging();
        try {
            runs.finish(result.runId, storage::FineTuneStatus::Failed, 0,
                        std::string("failed: ") + e.what() + "\n");
        } catch (const std::exception&) {
            // The original error is the one worth reporting.
        }
        throw;
    }
}

FineTuneJob::FineTuneJob(QObject* parent) : QObject(parent), m_watcher(new QFutureWatcher<Outcome>(this)) {
    qRegisterMetaType<fc::FineTuneJobProgress>();
    qRegisterMetaType<fc::FineTuneJobResult>();
    connect(m_watcher, &QFutureWatcher<Outcome>::finished, this, [this] {
        const Outcome outcome = m_watcher->result();
        if (!outcome.error.isEmpty())
            Q_EMIT failed(outcome.error);
        else if (outcome.result.cancelled)
            Q_EMIT cancelled(outcome.result.runId);
        else
            Q_EMIT finished(outcome.result);
    });
}

FineTuneJob::~FineTuneJob() {
    if (m_cancel)
        m_cancel->store(true);
    m_watcher->waitForFinished();
}

bool FineTuneJob::start(const FineTuneJobSettings& settings) {
    if (isRunning())
        return false;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    const auto cancel = m_cancel;
    // Progress reaches the owner's thread as queued calls; `this` as context drops them once the job is gone.
    const FineTuneJobProgressFn forward =
        [this, last = std::make_shared<Clock::time_point>()](const FineTuneJobProgress& p) {
            const auto now = Clock::now();
            if (p.phase == QLatin1String("train") && p.examplesDone != p.examples &&
                now - *last < std::chrono::milliseconds(100))
                return;
            *last = now;
            QMetaObject::invokeMethod(
                this, [this, p] { Q_EMIT progress(p); }, Qt::QueuedConnection);
        };
    m_watcher->setFuture(QtConcurrent::run([settings, cancel, forward] {
        Outcome outcome;
        try {
            outcome.result = runFineTunePipeline(settings, *cancel, forward);
        } catch (const std::exception& e) {
            outcome.error = QString::fromUtf8(e.what());
        }
        return outcome;
    }));
    return true;
}

void FineTuneJob::cancel() {
    if (m_cancel)
        m_cancel->store(true);
}

bool FineTuneJob::isRunning() const {
    return m_watcher->isRunning();
}

} // namespace fc
