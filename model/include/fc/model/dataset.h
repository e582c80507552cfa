#pragma once
// The JSON Lines dataset file of interfaces.md: one document per line,
// {"id": "...", "text": "...", "codes": ["N44.8", ...], "evidence": [{"code": "N44.8", "begin": 120, "end":
// 164}]} Reading normalises codes (trimmed, ASCII upper-cased, duplicates dropped keeping the first) and
// checks evidence offsets (Unicode code points into text, half-open, 0 <= begin < end <= length of text).
// Blank lines are skipped; keys other than these four are ignored.
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace fc {

// A gold evidence annotation (named apart from prediction.h's EvidenceSpan, a model's weighted span: two
// different types of one name would break the one-definition rule in a program that links both).
struct EvidenceAnnotation {
    std::string code;   // normalised like Document::codes; not required to be one of them
    std::int64_t begin; // code point offset into Document::text, inclusive
    std::int64_t end;   // exclusive
};

struct Document {
    std::string id;   // a JSON string, or a JSON integer written in decimal
    std::string text; // UTF-8
    std::vector<std::string> codes;
    std::vector<EvidenceAnnotation> evidence;
};

// Streams a dataset file one document at a time: memory holds one line, not the file.
class DatasetReader {
public:
    // Throws InputError if the file cannot be opened.
    explicit DatasetReader(std::string path);

    // Reads the next document into `document`; false at the end of the file. A malformed line throws
    // InputError "<path>:<line>: <what>" (one line); the reader must not be used after that.
    bool next(Document& document);
    // 1-based number of the line last read (0 before the first call).
    std::int64_t lineNumber() const { return m_lineNumber; }
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
    std::ifstream m_in;
    std::string m_line;
    std::int64_t m_lineNumber = 0;
};

// Parses one line; `where` prefixes error messages (e.g. "file.jsonl:12").
Document parseDatasetLine(const std::string& line, const std::string& where);
// One line of JSON (no newline) with keys in the order id, text, codes, evidence (evidence only when
// non-empty); non-ASCII text is written as UTF-8, not escaped. Throws InputError on invalid UTF-8.
std::string datasetLine(const Document& document);

// Streams documents into a file that appears complete or not at all: lines go to a temporary sibling that
// commit() renames onto `path`; destroying the writer without commit() leaves `path` untouched.
class DatasetWriter {
public:
    explicit DatasetWriter(const std::string& path); // std::runtime_error if the temporary file fails
    ~DatasetWriter();
    DatasetWriter(const DatasetWriter&) = delete;
    DatasetWriter& operator=(const DatasetWriter&) = delete;

    void write(const Document& document); // InputError on invalid UTF-8
    void commit();                        // std::runtime_error on I/O failure

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

std::vector<Document> loadDataset(const std::string& path);
// Writes every document, one line each, atomically; std::runtime_error when the file cannot be written.
void saveDataset(const std::string& path, const std::vector<Document>& documents);

// Every distinct code of the file, sorted byte-wise (the order of the authors' label index for Y=full).
std::vector<std::string> labelsFromDataset(const std::string& path);
// Number of documents that carry each code, most frequent first; ties keep first-appearance order (as
// Python's Counter.most_common). Codes are de-duplicated per document, so this counts documents.
std::vector<std::pair<std::string, std::int64_t>> codeFrequencies(const std::string& path);

} // namespace fc
