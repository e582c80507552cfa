#include "fc/storage/repositories.h"

#include "statement.h"

namespace fc::storage {

std::int64_t AnalysisRepository::record(const AnalysisRecord& analysis) {
    Transaction transaction(m_db);
    detail::Statement insertAnalysis(
        m_db, "INSERT INTO analyses (note_id, model_version, threshold, created_at) VALUES (?, ?, ?, ?)");
    insertAnalysis.bindInt64(1, analysis.noteId)
        .bindText(2, analysis.modelVersion)
        .bindDouble(3, analysis.threshold)
        .bindText(4, analysis.createdAt.empty() ? currentUtcTimestamp() : analysis.createdAt)
        .run();
    const std::int64_t analysisId = m_db.lastInsertId();

    detail::Statement insertSuggestion(
        m_db, "INSERT INTO suggestions (analysis_id, code, system, score, rank) VALUES (?, ?, ?, ?, ?)");
    detail::Statement insertEvidence(
        m_db,
        "INSERT INTO suggestion_evidence (suggestion_id, \"begin\", \"end\", weight) VALUES (?, ?, ?, ?)");
    std::int64_t rank = 0;
    for (const SuggestionRecord& suggestion : analysis.suggestions) {
        insertSuggestion.reset();
        insertSuggestion.bindInt64(1, analysisId)
            .bindText(2, suggestion.code)
            .bindText(3, suggestion.system)
            .bindDouble(4, suggestion.score)
            .bindInt64(5, ++rank)
            .run();
        const std::int64_t suggestionId = m_db.lastInsertId();
        for (const SpanRecord& span : suggestion.evidence) {
            insertEvidence.reset();
            insertEvidence.bindInt64(1, suggestionId)
                .bindInt64(2, span.begin)
                .bindInt64(3, span.end)
                .bindDouble(4, span.weight)
                .run();
        }
    }
    transaction.commit();
    return analysisId;
}

std::optional<AnalysisRecord> AnalysisRepository::latestForNote(std::int64_t noteId) {
    detail::Statement selectAnalysis(m_db, "SELECT id, note_id, model_version, threshold, created_at "
                                           "FROM analyses WHERE note_id = ? ORDER BY id DESC LIMIT 1");
    selectAnalysis.bindInt64(1, noteId);
    if (!selectAnalysis.step())
        return std::nullopt;
    AnalysisRecord analysis;
    analysis.id = selectAnalysis.columnInt64(0);
    analysis.noteId = selectAnalysis.columnInt64(1);
    analysis.modelVersion = selectAnalysis.columnText(2);
    analysis.threshold = selectAnalysis.columnDouble(3);
    analysis.createdAt = selectAnalysis.columnText(4);

    // One pass over suggestions joined with their evidence (LEFT JOIN keeps suggestions without spans).
    detail::Statement select(m_db,
                             "SELECT s.id, s.code, s.system, s.score, e.\"begin\", e.\"end\", e.weight "
                             "FROM suggestions s LEFT JOIN suggestion_evidence e ON e.suggestion_id = s.id "
                             "WHERE s.analysis_id = ? ORDER BY s.rank, e.rowid");
    select.bindInt64(1, analysis.id);
    std::int64_t currentSuggestionId = 0;
    while (select.step()) {
        const std::int64_t suggestionId = select.columnInt64(0);
        if (suggestionId != currentSuggestionId) {
            currentSuggestionId = suggestionId;
            SuggestionRecord suggestion;
            suggestion.code = select.columnText(1);
            suggestion.system = select.columnText(2);
            suggestion.score = select.columnDouble(3);
            analysis.suggestions.push_back(std::move(suggestion));
        }
        if (!select.columnIsNull(4)) {
            SpanRecord span;
            span.begin = select.columnInt64(4);
            span.end = select.columnInt64(5);
            span.weight = select.columnDouble(6);
            analysis.suggestions.back().evidence.push_back(span);
        }
    }
    return analysis;
}

} // namespace fc::storage
