#include "torch/evaluator_input.h"

#include "fc/model/dataset.h"

namespace fc::evaluator {

namespace {

EvalDocument converted(Document document) {
    EvalDocument out;
    out.id = std::move(document.id);
    out.text = std::move(document.text);
    out.codes = std::move(document.codes);
    for (auto& span : document.evidence)
        out.evidence.push_back({std::move(span.code), span.begin, span.end});
    return out;
}

} // namespace

std::vector<EvalDocument> toEvalDocuments(const std::vector<Document>& documents) {
    std::vector<EvalDocument> out;
    out.reserve(documents.size());
    for (const auto& document : documents)
        out.push_back(converted(document));
    return out;
}

std::vector<EvalDocument> loadEvalDocuments(const std::string& datasetPath) {
    std::vector<EvalDocument> out;
    DatasetReader reader(datasetPath);
    Document document;
    while (reader.next(document))
        out.push_back(converted(std::move(document)));
    return out;
}

} // namespace fc::evaluator
