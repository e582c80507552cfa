#include "feedbackservice.h"

#include "fc/storage/feedback_repository.h"
#include "fc/storage/repositories.h"

namespace fc {

std::vector<ReviewedNote> FeedbackService::reviewedNotes() {
    const std::vector<std::int64_t> ids = storage::FeedbackRepository(m_db).decidedNoteIds();
    storage::NoteRepository notes(m_db);
    storage::DecisionRepository decisions(m_db);
    std::vector<ReviewedNote> result;
    for (const auto id : ids) {
        const auto note = notes.find(id);
        if (!note)
            continue;
        std::map<std::string, storage::DecisionKind> newest; // history is oldest first
        for (const auto& decision : decisions.historyForNote(id))
            newest[decision.code] = decision.kind;
        ReviewedNote reviewed;
        reviewed.id = std::to_string(id);
        reviewed.text = note->text;
        for (const auto& [code, kind] : newest)
            (kind == storage::DecisionKind::Accepted || kind == storage::DecisionKind::Added
                 ? reviewed.positive
                 : reviewed.negative)
                .push_back(code);
        result.push_back(std::move(reviewed));
    }
    return result;
}

FeedbackCounts FeedbackService::counts() {
    storage::FeedbackRepository repository(m_db);
    FeedbackCounts counts;
    counts.reviewedNotes = repository.decidedNoteCount();
    counts.decisions = repository.decisionCountsByKind();
    return counts;
}

} // namespace fc
