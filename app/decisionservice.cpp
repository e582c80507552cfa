#include "decisionservice.h"

#include "databasepassphrase.h"

#include "fc/storage/database.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace fc {

namespace {

// The database holds notes with protected health information: its folder is private to the user.
QString prepareDirectory(const QString& databasePath) {
    if (databasePath == QLatin1String(":memory:"))
        return databasePath;
    const QString directory = QFileInfo(databasePath).absolutePath();
    if (!QFileInfo::exists(directory)) {
        QDir().mkpath(directory);
        QFile::setPermissions(directory,
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }
    return databasePath;
}

} // namespace

DecisionService::DecisionService(const QString& databasePath, QObject* parent)
    : QObject(parent), m_db(std::make_unique<storage::Database>(prepareDirectory(databasePath).toStdString(),
                                                                databaseOptions(databasePath))) {
    qRegisterMetaType<fc::storage::DecisionRecord>();
}

DecisionService::~DecisionService() = default;

QString DecisionService::databasePath() const {
    return QString::fromStdString(m_db->path());
}

qint64 DecisionService::openNote(const QString& text, const QString& source) {
    m_noteId = 0;
    try {
        m_noteId = storage::NoteRepository(*m_db).upsert(text.toStdString(), source.toStdString());
    } catch (const storage::StorageError& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
    return m_noteId;
}

void DecisionService::recordAnalysis(const storage::AnalysisRecord& analysis) {
    if (analysis.noteId == 0)
        return;
    try {
        storage::AnalysisRepository(*m_db).record(analysis);
    } catch (const storage::StorageError& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

bool DecisionService::decide(storage::DecisionRecord decision) {
    if (decision.noteId == 0)
        decision.noteId = m_noteId;
    if (decision.noteId == 0) {
        Q_EMIT failed(QStringLiteral("The note is not stored, so the decision on %1 cannot be saved.")
                          .arg(QString::fromStdString(decision.code)));
        return false;
    }
    try {
        decision.id = storage::DecisionRepository(*m_db).record(decision);
    } catch (const storage::StorageError& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
        return false;
    }
    Q_EMIT decided(decision);
    return true;
}

bool DecisionService::decideAll(std::vector<storage::DecisionRecord> decisions) {
    if (decisions.empty())
        return true;
    for (storage::DecisionRecord& decision : decisions)
        if (decision.noteId == 0)
            decision.noteId = m_noteId;
    if (m_noteId == 0 && decisions.front().noteId == 0) {
        Q_EMIT failed(QStringLiteral("The note is not stored, so its decisions cannot be saved."));
        return false;
    }
    try {
        storage::Transaction transaction(*m_db);
        storage::DecisionRepository repository(*m_db);
        for (storage::DecisionRecord& decision : decisions)
            decision.id = repository.record(decision); // a savepoint inside this transaction
        transaction.commit();
    } catch (const storage::StorageError& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
        return false;
    }
    for (const storage::DecisionRecord& decision : decisions)
        Q_EMIT decided(decision);
    return true;
}

std::vector<storage::DecisionRecord> DecisionService::currentDecisions() {
    if (m_noteId == 0)
        return {};
    try {
        return storage::DecisionRepository(*m_db).currentForNote(m_noteId);
    } catch (const storage::StorageError& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
        return {};
    }
}

std::int64_t DecisionService::decisionCount() {
    try {
        return storage::DecisionRepository(*m_db).count();
    } catch (const storage::StorageError& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
        return 0;
    }
}

namespace {
constexpr const char* kChartStatusAction = "chart.status";
}

bool DecisionService::setChartStatus(const QString& sha256, const QString& status, const QString& source) {
    storage::AuditEntry entry;
    entry.action = kChartStatusAction;
    const QJsonObject details{{QStringLiteral("sha256"), sha256},
                              {QStringLiteral("status"), status},
                              {QStringLiteral("source"), source}};
    entry.detailsJson = QJsonDocument(details).toJson(QJsonDocument::Compact).toStdString();
    try {
        storage::AuditLogRepository(*m_db).append(entry);
    } catch (const storage::StorageError& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
        return false;
    }
    return true;
}

QHash<QString, QString> DecisionService::chartStatuses() {
    QHash<QString, QString> statuses;
    try {
        for (const storage::AuditEntry& entry : storage::AuditLogRepository(*m_db).all()) {
            if (entry.action != kChartStatusAction)
                continue;
            const QJsonObject details =
                QJsonDocument::fromJson(QByteArray::fromStdString(entry.detailsJson)).object();
            statuses.insert(details.value(QStringLiteral("sha256")).toString(),
                            details.value(QStringLiteral("status")).toString());
        }
    } catch (const storage::StorageError& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
    return statuses;
}

} // namespace fc
