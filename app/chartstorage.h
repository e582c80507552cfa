#pragma once
// A coded chart from the decision database (the bridge between storage/ and the export formats of
// exportservice.h). Threading: the Database is used on the calling thread.
#include "exportservice.h"

#include "fc/storage/repositories.h"

#include <optional>
#include <vector>

namespace fc {

// Builds a chart from storage: the note's current decisions (DecisionRepository::currentForNote order), of
// kind Accepted or Added only; evidence from the latest analysis's suggestion of the same system and code;
// descriptions from `catalog` when given (codeDescription). The principal diagnosis is the diagnosis with
// the smallest positive stored sequence (storage: 1 = principal); diagnoses keep the stored order, renumbered
// 1..n, and so do procedures. exportedAt/By, application fields are filled with the current time, OS user and
// this build's version.
CodedChart chartFromDecisions(const storage::NoteRecord& note,
                              const std::vector<storage::DecisionRecord>& decisions,
                              const std::optional<storage::AnalysisRecord>& latestAnalysis,
                              const CodeCatalog* catalog = nullptr);

// Reads note, current decisions and latest analysis of one note and calls chartFromDecisions.
// Throws storage::StorageError on database failures; nullopt when the note does not exist.
std::optional<CodedChart> loadChart(storage::Database& db, qint64 noteId,
                                    const CodeCatalog* catalog = nullptr);

} // namespace fc
