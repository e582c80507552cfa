#pragma once
// The coder's decisions on one note, stored at once through storage/. Owns the database connection of
// the UI thread (writes are small: one transaction per decision).
#include "fc/storage/repositories.h"

#include <QHash>
#include <QObject>
#include <QString>

#include <memory>
#include <vector>

namespace fc {

class DecisionService : public QObject {
    Q_OBJECT
public:
    // Throws storage::StorageError if the database cannot be opened (the caller reports it).
    explicit DecisionService(const QString& databasePath, QObject* parent = nullptr);
    ~DecisionService() override;

    QString databasePath() const;
    // The connection itself, for the repositories of the same session (model versions). UI thread only.
    storage::Database& database() { return *m_db; }

    // Stores the note (once per distinct text) and makes it current; returns its id.
    qint64 openNote(const QString& text, const QString& source);
    qint64 currentNoteId() const { return m_noteId; }
    void recordAnalysis(const storage::AnalysisRecord& analysis);

    // Appends a decision for the current note. Returns false and emits failed() if it could not be stored.
    bool decide(storage::DecisionRecord decision);
    // Appends several decisions (one coder action, e.g. "accept all above threshold") in one transaction:
    // all are stored or none. Returns false and emits failed() when they could not be stored.
    bool decideAll(std::vector<storage::DecisionRecord> decisions);
    std::vector<storage::DecisionRecord> currentDecisions();
    std::int64_t decisionCount();

    // Worklist status of a chart ("new", "in progress", "done"), keyed by the SHA-256 of the note's UTF-8
    // text (storage::sha256Hex). Kept in the append-only audit log (action "chart.status", details
    // {"sha256", "status", "source"}), so who changed it and when is on record; the newest entry wins.
    bool setChartStatus(const QString& sha256, const QString& status, const QString& source);
    QHash<QString, QString> chartStatuses(); // sha256 -> newest status

Q_SIGNALS:
    void failed(const QString& message);
    void decided(const fc::storage::DecisionRecord& decision);

private:
    std::unique_ptr<storage::Database> m_db;
    qint64 m_noteId = 0;
};

} // namespace fc

Q_DECLARE_METATYPE(fc::storage::DecisionRecord)
