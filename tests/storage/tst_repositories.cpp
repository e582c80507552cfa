// Repositories: notes stored once per text, analyses with suggestions and evidence, the decision history and
// the current decision set derived from it, the audit trail, model versions and fine-tune runs, and the
// SHA-256 used to key notes.
#include "fc/storage/model_repositories.h"
#include "fc/storage/repositories.h"
#include "fc/storage/sha256.h"

#include "statement.h" // storage/src: the internal Statement wrapper, to inspect tables directly

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace fc::storage;

namespace {

std::int64_t queryInt(Database& db, const std::string& sql) {
    detail::Statement query(db, sql);
    if (!query.step())
        throw std::runtime_error("no row: " + sql);
    return query.columnInt64(0);
}

DecisionRecord decision(std::int64_t noteId, const std::string& code, DecisionKind kind, int sequence = 0) {
    DecisionRecord record;
    record.noteId = noteId;
    record.code = code;
    record.system = "icd-10-cm";
    record.kind = kind;
    record.sequence = sequence;
    record.score = 0.5;
    record.modelVersion = "codiesp-v1";
    return record;
}

std::vector<std::string> codesOf(const std::vector<DecisionRecord>& decisions) {
    std::vector<std::string> codes;
    for (const DecisionRecord& record : decisions)
        codes.push_back(record.code);
    return codes;
}

} // namespace

class TstRepositories : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<Database> m_db;
    std::int64_t m_noteId = 0;

private Q_SLOTS:
    void init() {
        // In memory: repository semantics do not depend on the file (tst_database covers files), and a
        // fresh file per test costs ~10 fsyncs.
        m_db = std::make_unique<Database>(":memory:");
        m_noteId = NoteRepository(*m_db).upsert("Patient with hypertension and type 2 diabetes.", "pasted");
    }
    void cleanup() { m_db.reset(); }

    void sha256KnownVectors_data() {
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<QString>("digest");
        // FIPS 180-4 examples (NIST CSRC) and lengths around the padding boundaries (55/56/64/119 bytes).
        QTest::newRow("empty") << QByteArray()
                               << "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        QTest::newRow("abc") << QByteArray("abc")
                             << "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        QTest::newRow("448 bits") << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                                  << "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
        QTest::newRow("896 bits") << QByteArray(
                                         "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                                         "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")
                                  << "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1";
        QTest::newRow("55 a") << QByteArray(55, 'a')
                              << "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318";
        QTest::newRow("56 a") << QByteArray(56, 'a')
                              << "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a";
        QTest::newRow("64 a") << QByteArray(64, 'a')
                              << "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb";
        QTest::newRow("119 a") << QByteArray(119, 'a')
                               << "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb";
        QTest::newRow("million a") << QByteArray(1000000, 'a')
                                   << "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    }

    void sha256KnownVectors() {
        QFETCH(QByteArray, message);
        QFETCH(QString, digest);
        QCOMPARE(QString::fromStdString(sha256Hex(message.toStdString())), digest);
    }

    void noteIsStoredOncePerText() {
        NoteRepository notes(*m_db);
        const std::string text = "Fiebre y tos. Neumonía adquirida en la comunidad.\r\n中文";
        const std::int64_t first = notes.upsert(text, "a.txt");
        QCOMPARE(notes.upsert(text, "clipboard"), first);
        QVERIFY(notes.upsert(text + " ", "b.txt") != first);
        QCOMPARE(notes.count(), 3); // the note of init() plus two texts

        const auto found = notes.find(first);
        QVERIFY(found.has_value());
        QCOMPARE(found->id, first);
        QCOMPARE(found->text, text);
        QCOMPARE(found->source, std::string("a.txt")); // the first source is kept
        QCOMPARE(found->sha256, sha256Hex(text));
        QVERIFY(QRegularExpression("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$")
                    .match(QString::fromStdString(found->createdAt))
                    .hasMatch());

        const auto byText = notes.findByText(text);
        QVERIFY(byText.has_value());
        QCOMPARE(byText->id, first);
        QVERIFY(!notes.findByText("never stored").has_value());
        QVERIFY(!notes.find(987654).has_value());
    }

    void analysisRoundTrip() {
        AnalysisRepository analyses(*m_db);
        QVERIFY(!analyses.latestForNote(m_noteId).has_value());

        AnalysisRecord older;
        older.noteId = m_noteId;
        older.modelVersion = "old";
        older.suggestions = {{"I10", "icd-10-cm", 0.7, {{13, 25, 1.0}}}};
        analyses.record(older);

        AnalysisRecord analysis;
        analysis.noteId = m_noteId;
        analysis.modelVersion = "codiesp-v2";
        analysis.threshold = 0.35;
        analysis.createdAt = "2024-05-01T12:34:56.789Z";
        analysis.suggestions = {
            {"E11.9", "icd-10-cm", 0.91, {{30, 45, 0.8}, {13, 25, 0.15}, {0, 7, 0.05}}},
            {"I10", "icd-10-cm", 0.88, {{13, 25, 1.0}}},
            {"Z79.4", "icd-10-cm", 0.12, {}},
        };
        const std::int64_t id = analyses.record(analysis);

        const auto latest = analyses.latestForNote(m_noteId);
        QVERIFY(latest.has_value());
        QCOMPARE(latest->id, id);
        QCOMPARE(latest->noteId, m_noteId);
        QCOMPARE(latest->modelVersion, analysis.modelVersion);
        QCOMPARE(latest->threshold, analysis.threshold);
        QCOMPARE(latest->createdAt, analysis.createdAt);
        QCOMPARE(latest->suggestions.size(), analysis.suggestions.size());
        for (std::size_t i = 0; i < analysis.suggestions.size(); ++i) {
            const SuggestionRecord& expected = analysis.suggestions[i];
            const SuggestionRecord& actual = latest->suggestions[i];
            QCOMPARE(actual.code, expected.code);
            QCOMPARE(actual.system, expected.system);
            QCOMPARE(actual.score, expected.score);
            QCOMPARE(actual.evidence.size(), expected.evidence.size());
            for (std::size_t j = 0; j < expected.evidence.size(); ++j) {
                QCOMPARE(actual.evidence[j].begin, expected.evidence[j].begin);
                QCOMPARE(actual.evidence[j].end, expected.evidence[j].end);
                QCOMPARE(actual.evidence[j].weight, expected.evidence[j].weight);
            }
        }
    }

    void failedAnalysisLeavesNothing() {
        AnalysisRecord analysis;
        analysis.noteId = m_noteId;
        analysis.modelVersion = "v";
        // The second span is invalid (end < begin): the whole analysis must be rolled back.
        analysis.suggestions = {{"A", "icd-10-cm", 0.9, {{0, 3, 1.0}}},
                                {"B", "icd-10-cm", 0.8, {{9, 2, 1.0}}}};
        QVERIFY_THROWS_EXCEPTION(StorageError, AnalysisRepository(*m_db).record(analysis));
        analysis.suggestions.clear();
        analysis.noteId = 424242; // no such note
        QVERIFY_THROWS_EXCEPTION(StorageError, AnalysisRepository(*m_db).record(analysis));
        for (const char* table : {"analyses", "suggestions", "suggestion_evidence"})
            QCOMPARE(queryInt(*m_db, std::string("SELECT COUNT(*) FROM ") + table), 0);
    }

    void decisionKindNames() {
        for (DecisionKind kind :
             {DecisionKind::Accepted, DecisionKind::Rejected, DecisionKind::Added, DecisionKind::Removed})
            QVERIFY(decisionKindFromString(toString(kind)) == kind);
        QCOMPARE(toString(DecisionKind::Removed), std::string("removed"));
        QVERIFY(!decisionKindFromString("Accepted").has_value());
        QVERIFY(!decisionKindFromString("").has_value());
    }

    void decisionRoundTripsEveryField() {
        DecisionRecord record;
        record.noteId = m_noteId;
        record.code = "E11.9";
        record.system = "icd-10-cm";
        record.kind = DecisionKind::Added;
        record.poa = "Y";
        record.sequence = 2;
        record.score = 0.123456789;
        record.modelVersion = "codiesp \"v1\"\nbuild";
        record.who = "coder1";
        record.decidedAt = "2024-05-01T08:00:00.001Z";
        DecisionRepository decisions(*m_db);
        const std::int64_t id = decisions.record(record);
        QVERIFY(id > 0);

        const std::vector<DecisionRecord> history = decisions.historyForNote(m_noteId);
        QCOMPARE(history.size(), std::size_t(1));
        const DecisionRecord& stored = history.front();
        QCOMPARE(stored.id, id);
        QCOMPARE(stored.noteId, record.noteId);
        QCOMPARE(stored.code, record.code);
        QCOMPARE(stored.system, record.system);
        QCOMPARE(toString(stored.kind), toString(record.kind));
        QCOMPARE(stored.poa, record.poa);
        QCOMPARE(stored.sequence, record.sequence);
        QCOMPARE(stored.score, record.score);
        QCOMPARE(stored.modelVersion, record.modelVersion);
        QCOMPARE(stored.who, record.who);
        QCOMPARE(stored.decidedAt, record.decidedAt);

        // The audit row says the same, as a JSON object.
        const std::vector<AuditEntry> audit = AuditLogRepository(*m_db).all();
        QCOMPARE(audit.size(), std::size_t(1));
        QCOMPARE(audit[0].action, std::string("decision.added"));
        QCOMPARE(audit[0].who, record.who);
        QCOMPARE(audit[0].at, record.decidedAt);
        QJsonParseError parseError{};
        const QJsonObject details =
            QJsonDocument::fromJson(QByteArray::fromStdString(audit[0].detailsJson), &parseError).object();
        QCOMPARE(parseError.error, QJsonParseError::NoError);
        QCOMPARE(details.value("decision_id").toInteger(), id);
        QCOMPARE(details.value("note_id").toInteger(), m_noteId);
        QCOMPARE(details.value("code").toString(), QString("E11.9"));
        QCOMPARE(details.value("kind").toString(), QString("added"));
        QCOMPARE(details.value("poa").toString(), QString("Y"));
        QCOMPARE(details.value("sequence").toInt(), 2);
        QCOMPARE(details.value("score").toDouble(), record.score);
        QCOMPARE(details.value("model_version").toString(), QString::fromStdString(record.modelVersion));
    }

    void decisionDefaultsWhoAndTime() {
        DecisionRepository decisions(*m_db);
        decisions.record(decision(m_noteId, "I10", DecisionKind::Accepted));
        const DecisionRecord stored = decisions.historyForNote(m_noteId).front();
        QCOMPARE(stored.who, currentOsUser());
        QVERIFY(!stored.who.empty());
        QVERIFY2(QRegularExpression("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$")
                     .match(QString::fromStdString(stored.decidedAt))
                     .hasMatch(),
                 stored.decidedAt.c_str());
        QVERIFY(stored.decidedAt.substr(0, 4) >= "2024");
    }

    void invalidDecisionIsRefused_data() {
        QTest::addColumn<QString>("field");
        QTest::newRow("unknown note") << "note";
        QTest::newRow("empty code") << "code";
        QTest::newRow("invalid poa") << "poa";
        QTest::newRow("negative sequence") << "sequence";
    }

    void invalidDecisionIsRefused() {
        QFETCH(QString, field);
        DecisionRecord record = decision(m_noteId, "I10", DecisionKind::Accepted);
        if (field == "note")
            record.noteId = 999999;
        else if (field == "code")
            record.code.clear();
        else if (field == "poa")
            record.poa = "X";
        else
            record.sequence = -1;
        QVERIFY_THROWS_EXCEPTION(StorageError, DecisionRepository(*m_db).record(record));
        QCOMPARE(DecisionRepository(*m_db).count(), 0);
        QCOMPARE(AuditLogRepository(*m_db).count(), 0);
    }

    void decisionAndAuditAreOneTransaction() {
        // Make the audit insert fail: the decision must not stay without its audit row.
        m_db->exec("CREATE TEMP TRIGGER refuse_audit BEFORE INSERT ON main.audit_log "
                   "BEGIN SELECT RAISE(ABORT, 'audit refused'); END");
        QVERIFY_THROWS_EXCEPTION(StorageError, DecisionRepository(*m_db).record(
                                                   decision(m_noteId, "I10", DecisionKind::Accepted)));
        QCOMPARE(DecisionRepository(*m_db).count(), 0);
        m_db->exec("DROP TRIGGER temp.refuse_audit");
        DecisionRepository(*m_db).record(decision(m_noteId, "I10", DecisionKind::Accepted));
        QCOMPARE(DecisionRepository(*m_db).count(), 1);
        QCOMPARE(AuditLogRepository(*m_db).count(), 1);
    }

    void currentDecisionIsTheNewestPerCode() {
        DecisionRepository decisions(*m_db);
        decisions.record(decision(m_noteId, "I10", DecisionKind::Accepted));
        decisions.record(decision(m_noteId, "I10", DecisionKind::Rejected));
        const auto current = decisions.currentForNote(m_noteId);
        QCOMPARE(current.size(), std::size_t(1));
        QCOMPARE(toString(current[0].kind), toString(DecisionKind::Rejected));

        decisions.record(decision(m_noteId, "I10", DecisionKind::Accepted));
        QCOMPARE(toString(decisions.currentForNote(m_noteId).at(0).kind), toString(DecisionKind::Accepted));
        QCOMPARE(decisions.historyForNote(m_noteId).size(), std::size_t(3));
    }

    void removedCodeLeavesTheSet() {
        DecisionRepository decisions(*m_db);
        decisions.record(decision(m_noteId, "R05", DecisionKind::Added));
        decisions.record(decision(m_noteId, "I10", DecisionKind::Accepted));
        decisions.record(decision(m_noteId, "R05", DecisionKind::Removed));
        QCOMPARE(codesOf(decisions.currentForNote(m_noteId)), std::vector<std::string>{"I10"});
        decisions.record(decision(m_noteId, "R05", DecisionKind::Added)); // added again
        QCOMPARE(codesOf(decisions.currentForNote(m_noteId)), (std::vector<std::string>{"I10", "R05"}));
        QCOMPARE(decisions.historyForNote(m_noteId).size(), std::size_t(4));
    }

    void currentDecisionsAreSequencedThenByCode() {
        DecisionRepository decisions(*m_db);
        decisions.record(decision(m_noteId, "Z79.4", DecisionKind::Accepted, 0));
        decisions.record(decision(m_noteId, "I10", DecisionKind::Accepted, 2));
        decisions.record(decision(m_noteId, "A00", DecisionKind::Rejected, 0));
        decisions.record(decision(m_noteId, "E11.9", DecisionKind::Accepted, 1));
        decisions.record(decision(m_noteId, "B20", DecisionKind::Added, 0));
        QCOMPARE(codesOf(decisions.currentForNote(m_noteId)),
                 (std::vector<std::string>{"E11.9", "I10", "A00", "B20", "Z79.4"}));
        // Re-sequencing is a new decision for the code.
        decisions.record(decision(m_noteId, "Z79.4", DecisionKind::Accepted, 3));
        QCOMPARE(codesOf(decisions.currentForNote(m_noteId)),
                 (std::vector<std::string>{"E11.9", "I10", "Z79.4", "A00", "B20"}));
    }

    void decisionsAreKeptPerNoteAndSystem() {
        const std::int64_t otherNote = NoteRepository(*m_db).upsert("Another note.", "pasted");
        DecisionRepository decisions(*m_db);
        decisions.record(decision(m_noteId, "I10", DecisionKind::Accepted));
        decisions.record(decision(otherNote, "I10", DecisionKind::Rejected));
        DecisionRecord otherSystem = decision(m_noteId, "I10", DecisionKind::Rejected);
        otherSystem.system = "icd-9-cm";
        decisions.record(otherSystem);

        const auto current = decisions.currentForNote(m_noteId);
        QCOMPARE(current.size(), std::size_t(2));
        QCOMPARE(current[0].system, std::string("icd-10-cm"));
        QCOMPARE(toString(current[0].kind), toString(DecisionKind::Accepted));
        QCOMPARE(current[1].system, std::string("icd-9-cm"));
        QCOMPARE(toString(current[1].kind), toString(DecisionKind::Rejected));
        QCOMPARE(toString(decisions.currentForNote(otherNote).at(0).kind), toString(DecisionKind::Rejected));
        QCOMPARE(decisions.historyForNote(otherNote).size(), std::size_t(1));
        QCOMPARE(decisions.count(), 3);
        QCOMPARE(AuditLogRepository(*m_db).count(), 3);
        QVERIFY(decisions.currentForNote(123456).empty());
    }

    void historyIsOldestFirst() {
        DecisionRepository decisions(*m_db);
        std::vector<std::int64_t> ids;
        for (const char* code : {"C", "A", "B", "A"})
            ids.push_back(decisions.record(decision(m_noteId, code, DecisionKind::Accepted)));
        const auto history = decisions.historyForNote(m_noteId);
        QCOMPARE(history.size(), ids.size());
        for (std::size_t i = 0; i < ids.size(); ++i)
            QCOMPARE(history[i].id, ids[i]);
        QCOMPARE(codesOf(history), (std::vector<std::string>{"C", "A", "B", "A"}));
    }

    void repositoryWritesComposeIntoOneTransaction() {
        {
            Transaction transaction(*m_db);
            const std::int64_t note = NoteRepository(*m_db).upsert("uncommitted note", "pasted");
            DecisionRepository(*m_db).record(decision(note, "I10", DecisionKind::Accepted));
            // no commit: everything is rolled back
        }
        QVERIFY(!NoteRepository(*m_db).findByText("uncommitted note").has_value());
        QCOMPARE(DecisionRepository(*m_db).count(), 0);
        QCOMPARE(AuditLogRepository(*m_db).count(), 0);
    }

    void auditEntriesCanBeAppended() {
        AuditLogRepository audit(*m_db);
        AuditEntry entry;
        entry.action = "model.activated";
        entry.detailsJson = R"({"model":"codiesp-v2"})";
        const std::int64_t id = audit.append(entry);
        const auto all = audit.all();
        QCOMPARE(all.size(), std::size_t(1));
        QCOMPARE(all[0].id, id);
        QCOMPARE(all[0].who, currentOsUser());
        QCOMPARE(all[0].action, entry.action);
        QCOMPARE(all[0].detailsJson, entry.detailsJson);
        QVERIFY(!all[0].at.empty());
    }

    void modelVersionsActivateOneAtATime() {
        ModelVersionRepository models(*m_db);
        QVERIFY(!models.active().has_value());
        ModelVersionRecord base;
        base.path = "/models/codiesp-v1";
        base.name = "CodiEsp v1";
        base.metricsJson = R"({"micro_f1":0.41})";
        base.active = true; // ignored: add() never activates
        const std::int64_t v1 = models.add(base);
        QVERIFY(!models.active().has_value());

        ModelVersionRecord tuned;
        tuned.parentId = v1;
        tuned.path = "/models/codiesp-v1-ft1";
        tuned.name = "CodiEsp v1, fine-tuned";
        tuned.trainingSummary = "120 decisions, 3 epochs";
        const std::int64_t v2 = models.add(tuned);

        models.activate(v1);
        QCOMPARE(models.active()->id, v1);
        models.activate(v2);
        const auto active = models.active();
        QVERIFY(active.has_value());
        QCOMPARE(active->id, v2);
        QCOMPARE(active->parentId, v1);
        QCOMPARE(active->path, tuned.path);
        QCOMPARE(active->name, tuned.name);
        QCOMPARE(active->trainingSummary, tuned.trainingSummary);
        QCOMPARE(active->metricsJson, std::string("{}"));
        QVERIFY(!active->createdAt.empty());
        QCOMPARE(queryInt(*m_db, "SELECT COUNT(*) FROM model_versions WHERE active = 1"), 1);

        const auto all = models.all();
        QCOMPARE(all.size(), std::size_t(2));
        QCOMPARE(all[0].id, v1);
        QCOMPARE(all[0].parentId, 0);
        QCOMPARE(all[0].metricsJson, base.metricsJson);
        QVERIFY(!all[0].active);
        QVERIFY_THROWS_EXCEPTION(StorageError, models.activate(999));
        QCOMPARE(models.active()->id, v2); // a failed activation changes nothing
        // The schema itself refuses a second active version.
        QVERIFY_THROWS_EXCEPTION(StorageError, m_db->exec("UPDATE model_versions SET active = 1"));

        std::vector<std::string> actions;
        for (const AuditEntry& entry : AuditLogRepository(*m_db).all())
            actions.push_back(entry.action);
        QCOMPARE(actions, (std::vector<std::string>{"model.registered", "model.registered", "model.activated",
                                                    "model.activated"}));
    }

    void fineTuneRunLifecycle() {
        ModelVersionRepository models(*m_db);
        ModelVersionRecord base;
        base.path = "/models/base";
        base.name = "base";
        const std::int64_t baseId = models.add(base);

        FineTuneRunRepository runs(*m_db);
        FineTuneRunRecord run;
        run.modelVersionId = baseId;
        run.settingsJson = R"({"epochs":3})";
        const std::int64_t id = runs.create(run);
        auto stored = runs.find(id);
        QVERIFY(stored.has_value());
        QCOMPARE(toString(stored->status), std::string("queued"));
        QVERIFY(stored->startedAt.empty());
        QCOMPARE(stored->settingsJson, run.settingsJson);

        runs.updateProgress(id, 0.25, "epoch 1/3\n");
        runs.updateProgress(id, 1.7, "epoch 2/3\n"); // clamped
        stored = runs.find(id);
        QCOMPARE(toString(stored->status), std::string("running"));
        QCOMPARE(stored->progress, 1.0);
        QCOMPARE(stored->log, std::string("epoch 1/3\nepoch 2/3\n"));
        QVERIFY(!stored->startedAt.empty());
        QVERIFY(stored->finishedAt.empty());

        base.name = "tuned";
        base.parentId = baseId;
        const std::int64_t outputId = models.add(base);
        QVERIFY_THROWS_EXCEPTION(StorageError, runs.finish(id, FineTuneStatus::Running, 0));
        runs.finish(id, FineTuneStatus::Succeeded, outputId, "done\n");
        stored = runs.find(id);
        QCOMPARE(toString(stored->status), std::string("succeeded"));
        QCOMPARE(stored->outputModelVersionId, outputId);
        QCOMPARE(stored->modelVersionId, baseId);
        QCOMPARE(stored->progress, 1.0);
        QVERIFY(!stored->finishedAt.empty());
        QVERIFY(stored->log.size() > 5 && stored->log.substr(stored->log.size() - 5) == "done\n");

        QVERIFY_THROWS_EXCEPTION(StorageError, runs.finish(4242, FineTuneStatus::Failed, 0));
        QVERIFY_THROWS_EXCEPTION(StorageError, runs.updateProgress(4242, 0.5));
        FineTuneRunRecord cancelled;
        const std::int64_t second = runs.create(cancelled);
        runs.finish(second, FineTuneStatus::Cancelled, 0);
        QCOMPARE(runs.find(second)->outputModelVersionId, 0);
        QCOMPARE(runs.find(second)->modelVersionId, 0);
        QCOMPARE(runs.all().size(), std::size_t(2));
        for (FineTuneStatus status :
             {FineTuneStatus::Queued, FineTuneStatus::Running, FineTuneStatus::Succeeded,
              FineTuneStatus::Failed, FineTuneStatus::Cancelled})
            QVERIFY(fineTuneStatusFromString(toString(status)) == status);
        QVERIFY(!fineTuneStatusFromString("done").has_value());
    }
};

QTEST_APPLESS_MAIN(TstRepositories)
#include "tst_repositories.moc"
