#pragma once
// Streaming RFC 4180 CSV reader (internal to fc::model): quoted fields may hold delimiters, doubled quotes
// and line breaks (kept verbatim, CR included); records end with LF or CRLF; a UTF-8 BOM before the header is
// dropped; empty lines between records are skipped. Memory holds one record, not the file, so multi-GB
// files (MIMIC-III NOTEEVENTS) stream. Columns are found by header name, never by position.
// Malformed input throws InputError "<source>:<line>: <what>", where <line> is the 1-based physical line on
// which the offending record starts. Not thread-safe; one reader per stream.
#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace fc {

class CsvReader {
public:
    // Reads the header record when `hasHeader`; throws InputError if the stream is empty or the header
    // malformed. `sourceName` names the input in error messages (usually the file path).
    CsvReader(std::istream& in, std::string sourceName, bool hasHeader = true, char delimiter = ',');
    // Opens `path` for reading (InputError naming it when that fails) and owns the stream.
    static std::unique_ptr<CsvReader> open(const std::string& path, bool hasHeader = true,
                                           char delimiter = ',');
    ~CsvReader();
    CsvReader(const CsvReader&) = delete;
    CsvReader& operator=(const CsvReader&) = delete;

    const std::vector<std::string>& header() const { return m_header; }
    // Index of the header column `name` (exact match); InputError naming the file and the column otherwise.
    std::size_t column(std::string_view name) const;

    // Reads the next record into `fields`; false at the end of the input. With a header, a record whose
    // field count differs from the header's throws InputError.
    bool next(std::vector<std::string>& fields);
    // 1-based physical line where the record last returned by next() (or the header) starts.
    std::int64_t recordLine() const { return m_recordLine; }
    // Records returned by next() so far (the header excluded).
    std::int64_t recordCount() const { return m_records; }
    const std::string& sourceName() const { return m_source; }

private:
    bool readRecord(std::vector<std::string>& fields);
    int peekChar();
    int getChar();
    [[noreturn]] void fail(std::int64_t line, const std::string& what) const;

    std::unique_ptr<std::istream> m_owned;
    std::istream& m_in;
    std::string m_source;
    char m_delimiter;
    std::vector<std::string> m_header;
    std::vector<char> m_buffer;
    std::size_t m_position = 0;
    std::size_t m_size = 0;
    std::int64_t m_line = 1; // physical line of the next unread character
    std::int64_t m_recordLine = 0;
    std::int64_t m_records = 0;
};

} // namespace fc
