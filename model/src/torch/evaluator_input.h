#pragma once
// The dataset as the evaluator needs it (internal to fc::model). A separate type keeps the evaluator's
// translation unit free of dataset.h, whose fc::EvidenceSpan clashes with prediction.h's.
#include <cstdint>
#include <string>
#include <vector>

namespace fc {
struct Document;
}

namespace fc::evaluator {

struct GoldSpan {
    std::string code;
    std::int64_t begin = 0; // code points, half-open
    std::int64_t end = 0;
};

struct EvalDocument {
    std::string id;
    std::string text; // UTF-8
    std::vector<std::string> codes;
    std::vector<GoldSpan> evidence;
};

std::vector<EvalDocument> toEvalDocuments(const std::vector<Document>& documents);
// Throws InputError naming the file and line.
std::vector<EvalDocument> loadEvalDocuments(const std::string& datasetPath);

} // namespace fc::evaluator
