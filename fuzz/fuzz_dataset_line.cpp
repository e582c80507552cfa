// fc::parseDatasetLine on arbitrary bytes: either InputError with a one-line message, or a document whose
// evidence offsets are inside its text and which survives datasetLine() -> parseDatasetLine() unchanged.
#include "fuzz_support.h"

#include "fc/model/dataset.h"
#include "fc/model/errors.h"
#include "fc/model/unicode.h"

namespace {

bool sameDocument(const fc::Document& a, const fc::Document& b) {
    if (a.id != b.id || a.text != b.text || a.codes != b.codes || a.evidence.size() != b.evidence.size())
        return false;
    for (std::size_t i = 0; i < a.evidence.size(); ++i)
        if (a.evidence[i].code != b.evidence[i].code || a.evidence[i].begin != b.evidence[i].begin ||
            a.evidence[i].end != b.evidence[i].end)
            return false;
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string line(reinterpret_cast<const char*>(data), size);
    fc::Document document;
    try {
        document = fc::parseDatasetLine(line, "fuzz.jsonl:1");
    } catch (const fc::InputError& e) {
        fc::fuzz::require(std::string(e.what()).find('\n') == std::string::npos,
                          "dataset error is not one line");
        return 0;
    }
    fc::fuzz::require(fc::isValidUtf8(document.text), "document text is not valid UTF-8");
    const auto length = fc::codePointCount(document.text);
    for (const auto& span : document.evidence)
        fc::fuzz::require(0 <= span.begin && span.begin < span.end && span.end <= length,
                          "evidence span outside the text");
    const auto written = fc::datasetLine(document);
    fc::fuzz::require(written.find('\n') == std::string::npos, "datasetLine wrote a newline");
    fc::fuzz::require(sameDocument(fc::parseDatasetLine(written, "round-trip"), document),
                      "datasetLine -> parseDatasetLine changed the document");
    return 0;
}
