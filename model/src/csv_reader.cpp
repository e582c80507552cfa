#include "csv_reader.h"

#include "fc/model/errors.h"

#include <algorithm>
#include <cstring>
#include <fstream>

namespace fc {
namespace {

constexpr std::size_t kBufferBytes = 1 << 20;

} // namespace

CsvReader::CsvReader(std::istream& in, std::string sourceName, bool hasHeader, char delimiter)
    : m_in(in), m_source(std::move(sourceName)), m_delimiter(delimiter), m_buffer(kBufferBytes) {
    if (!hasHeader)
        return;
    if (!readRecord(m_header))
        fail(1, "empty file, expected a header row");
    if (!m_header.empty() && m_header.front().compare(0, 3, "\xEF\xBB\xBF") == 0)
        m_header.front().erase(0, 3);
}

std::unique_ptr<CsvReader> CsvReader::open(const std::string& path, bool hasHeader, char delimiter) {
    auto stream = std::make_unique<std::ifstream>(path, std::ios::binary);
    if (!*stream)
        throw InputError(path + ": cannot open for reading");
    std::unique_ptr<CsvReader> reader(new CsvReader(*stream, path, hasHeader, delimiter));
    reader->m_owned = std::move(stream);
    return reader;
}

CsvReader::~CsvReader() = default;

std::size_t CsvReader::column(std::string_view name) const {
    const auto found = std::find(m_header.begin(), m_header.end(), name);
    if (found == m_header.end())
        throw InputError(m_source + ":1: no column named '" + std::string(name) + "' in the header");
    return static_cast<std::size_t>(found - m_header.begin());
}

bool CsvReader::next(std::vector<std::string>& fields) {
    if (!readRecord(fields))
        return false;
    if (!m_header.empty() && fields.size() != m_header.size())
        fail(m_recordLine, "expected " + std::to_string(m_header.size()) + " fields, found " +
                               std::to_string(fields.size()));
    ++m_records;
    return true;
}

int CsvReader::peekChar() {
    if (m_position == m_size) {
        if (!m_in.good())
            return EOF;
        m_in.read(m_buffer.data(), static_cast<std::streamsize>(m_buffer.size()));
        m_size = static_cast<std::size_t>(m_in.gcount());
        m_position = 0;
        if (m_in.bad())
            fail(m_line, "read error");
        if (m_size == 0)
            return EOF;
    }
    return static_cast<unsigned char>(m_buffer[m_position]);
}

int CsvReader::getChar() {
    const int c = peekChar();
    if (c != EOF) {
        ++m_position;
        if (c == '\n')
            ++m_line;
    }
    return c;
}

void CsvReader::fail(std::int64_t line, const std::string& what) const {
    throw InputError(m_source + ":" + std::to_string(line) + ": " + what);
}

bool CsvReader::readRecord(std::vector<std::string>& fields) {
    fields.clear();
    // Leading empty lines (LF or CRLF) are not records; a lone CR starts a field's content.
    bool pendingCarriageReturn = false;
    for (;;) {
        const int c = peekChar();
        if (c == EOF)
            return false;
        if (c == '\n') {
            getChar();
            continue;
        }
        if (c == '\r') {
            m_recordLine = m_line;
            getChar();
            if (peekChar() == '\n') {
                getChar();
                continue;
            }
            pendingCarriageReturn = true;
        }
        break;
    }
    if (!pendingCarriageReturn)
        m_recordLine = m_line;

    std::string field;
    if (pendingCarriageReturn)
        field.push_back('\r');
    for (;;) {
        if (field.empty() && peekChar() == '"') {
            getChar();
            const std::int64_t quoteLine = m_line;
            for (;;) {
                if (peekChar() == EOF)
                    fail(quoteLine, "quoted field not closed before the end of the file");
                // Copy the run up to the next quote in one go; count the line breaks it holds.
                const char* begin = m_buffer.data() + m_position;
                const std::size_t available = m_size - m_position;
                const void* quote = std::memchr(begin, '"', available);
                const std::size_t run =
                    quote ? static_cast<std::size_t>(static_cast<const char*>(quote) - begin) : available;
                field.append(begin, run);
                m_line += std::count(begin, begin + run, '\n');
                m_position += run;
                if (!quote)
                    continue;
                getChar(); // the quote
                if (peekChar() == '"') {
                    getChar();
                    field.push_back('"');
                    continue;
                }
                break;
            }
            const int after = peekChar();
            if (after == m_delimiter) {
                getChar();
                fields.push_back(std::move(field));
                field.clear();
                continue;
            }
            if (after == '\r') {
                getChar();
                if (peekChar() != '\n')
                    fail(m_recordLine, "carriage return after a closing quote not followed by a line feed");
            }
            if (after == EOF || after == '\n' || after == '\r') {
                if (after != EOF)
                    getChar();
                fields.push_back(std::move(field));
                return true;
            }
            fail(m_recordLine, std::string("unexpected character '") + static_cast<char>(after) +
                                   "' after a closing quote (field " + std::to_string(fields.size() + 1) +
                                   ")");
        }
        for (;;) {
            const int c = peekChar();
            if (c == EOF || c == '\n') {
                if (c != EOF)
                    getChar();
                fields.push_back(std::move(field));
                return true;
            }
            if (c == m_delimiter) {
                getChar();
                fields.push_back(std::move(field));
                field.clear();
                break;
            }
            if (c == '\r') {
                getChar();
                if (peekChar() == '\n') {
                    getChar();
                    fields.push_back(std::move(field));
                    return true;
                }
                field.push_back('\r');
                continue;
            }
            if (c == '"')
                fail(m_recordLine,
                     "quote inside an unquoted field (field " + std::to_string(fields.size() + 1) + ")");
            getChar();
            field.push_back(static_cast<char>(c));
        }
    }
}

} // namespace fc
