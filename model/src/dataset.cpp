#include "fc/model/dataset.h"

#include "fc/model/errors.h"
#include "fc/model/unicode.h"

#include "atomic_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <unordered_map>

namespace fc {
namespace {

using Json = nlohmann::json;

bool isBlank(const std::string& line) {
    return std::all_of(line.begin(), line.end(),
                       [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

// Trimmed (Python str.strip() whitespace), ASCII letters upper-cased.
std::string normaliseCode(const std::string& raw) {
    std::u32string code = decodeUtf8(raw);
    std::size_t begin = 0, end = code.size();
    while (begin < end && isSpaceChar(code[begin]))
        ++begin;
    while (end > begin && isSpaceChar(code[end - 1]))
        --end;
    std::string out;
    for (std::size_t i = begin; i < end; ++i) {
        const char32_t c = code[i];
        appendUtf8(c >= U'a' && c <= U'z' ? c - 32 : c, out);
    }
    return out;
}

const Json& member(const Json& object, const char* key, const std::string& where) {
    const auto it = object.find(key);
    if (it == object.end())
        throw InputError(where + ": missing \"" + key + "\"");
    return *it;
}

std::string codeFrom(const Json& value, const std::string& where, const std::string& what) {
    if (!value.is_string())
        throw InputError(where + ": " + what + " must be a string");
    std::string code = normaliseCode(value.get<std::string>());
    if (code.empty())
        throw InputError(where + ": " + what + " is empty");
    return code;
}

std::int64_t offsetFrom(const Json& span, const char* key, const std::string& where, std::size_t index) {
    const Json& value = member(span, key, where + ": evidence[" + std::to_string(index) + "]");
    if (!value.is_number_integer())
        throw InputError(where + ": evidence[" + std::to_string(index) + "]." + key + " must be an integer");
    return value.get<std::int64_t>();
}

} // namespace

Document parseDatasetLine(const std::string& line, const std::string& where) {
    Json json;
    try {
        json = Json::parse(line);
    } catch (const Json::exception& e) {
        throw InputError(where + ": invalid JSON: " + e.what());
    }
    if (!json.is_object())
        throw InputError(where + ": expected a JSON object");

    Document document;
    const Json& id = member(json, "id", where);
    if (id.is_string())
        document.id = id.get<std::string>();
    else if (id.is_number_integer())
        document.id = id.dump();
    else
        throw InputError(where + ": \"id\" must be a string or an integer");

    const Json& text = member(json, "text", where);
    if (!text.is_string())
        throw InputError(where + ": \"text\" must be a string");
    document.text = text.get<std::string>();
    std::int64_t length = 0;
    try {
        length = codePointCount(document.text);
    } catch (const InputError& e) {
        throw InputError(where + ": \"text\": " + e.what());
    }

    const Json& codes = member(json, "codes", where);
    if (!codes.is_array())
        throw InputError(where + ": \"codes\" must be an array");
    for (std::size_t i = 0; i < codes.size(); ++i) {
        std::string code = codeFrom(codes[i], where, "codes[" + std::to_string(i) + "]");
        if (std::find(document.codes.begin(), document.codes.end(), code) == document.codes.end())
            document.codes.push_back(std::move(code));
    }

    const auto evidence = json.find("evidence");
    if (evidence != json.end() && !evidence->is_null()) {
        if (!evidence->is_array())
            throw InputError(where + ": \"evidence\" must be an array");
        for (std::size_t i = 0; i < evidence->size(); ++i) {
            const Json& span = (*evidence)[i];
            const std::string name = "evidence[" + std::to_string(i) + "]";
            if (!span.is_object())
                throw InputError(where + ": " + name + " must be an object");
            EvidenceAnnotation parsed{
                codeFrom(member(span, "code", where + ": " + name), where, name + ".code"),
                offsetFrom(span, "begin", where, i), offsetFrom(span, "end", where, i)};
            if (parsed.begin < 0 || parsed.begin >= parsed.end || parsed.end > length)
                throw InputError(where + ": " + name + " [" + std::to_string(parsed.begin) + ", " +
                                 std::to_string(parsed.end) + ") is not a non-empty span of the text's " +
                                 std::to_string(length) + " code points");
            document.evidence.push_back(std::move(parsed));
        }
    }
    return document;
}

std::string datasetLine(const Document& document) {
    nlohmann::ordered_json json;
    json["id"] = document.id;
    json["text"] = document.text;
    json["codes"] = document.codes;
    if (!document.evidence.empty()) {
        nlohmann::ordered_json spans = nlohmann::ordered_json::array();
        for (const EvidenceAnnotation& span : document.evidence)
            spans.push_back({{"code", span.code}, {"begin", span.begin}, {"end", span.end}});
        json["evidence"] = std::move(spans);
    }
    try {
        return json.dump();
    } catch (const nlohmann::ordered_json::type_error& e) {
        throw InputError("document \"" + document.id + "\": " + e.what());
    }
}

DatasetReader::DatasetReader(std::string path) : m_path(std::move(path)), m_in(m_path, std::ios::binary) {
    if (!m_in)
        throw InputError("cannot open dataset file " + m_path);
}

bool DatasetReader::next(Document& document) {
    while (std::getline(m_in, m_line)) {
        ++m_lineNumber;
        if (m_lineNumber == 1 && m_line.compare(0, 3, "\xEF\xBB\xBF") == 0)
            m_line.erase(0, 3);
        if (isBlank(m_line))
            continue;
        document = parseDatasetLine(m_line, m_path + ":" + std::to_string(m_lineNumber));
        return true;
    }
    if (m_in.bad())
        throw InputError("cannot read dataset file " + m_path);
    return false;
}

struct DatasetWriter::Impl {
    explicit Impl(const std::string& path) : file(path) {}
    AtomicFile file;
};

DatasetWriter::DatasetWriter(const std::string& path) : m_impl(std::make_unique<Impl>(path)) {}
DatasetWriter::~DatasetWriter() = default;

void DatasetWriter::write(const Document& document) {
    std::string line = datasetLine(document);
    line.push_back('\n');
    m_impl->file.stream() << line;
}

void DatasetWriter::commit() {
    m_impl->file.commit();
}

std::vector<Document> loadDataset(const std::string& path) {
    DatasetReader reader(path);
    std::vector<Document> documents;
    Document document;
    while (reader.next(document))
        documents.push_back(std::move(document));
    return documents;
}

void saveDataset(const std::string& path, const std::vector<Document>& documents) {
    DatasetWriter writer(path);
    for (const Document& document : documents)
        writer.write(document);
    writer.commit();
}

std::vector<std::string> labelsFromDataset(const std::string& path) {
    std::set<std::string> codes;
    DatasetReader reader(path);
    Document document;
    while (reader.next(document))
        codes.insert(document.codes.begin(), document.codes.end());
    return {codes.begin(), codes.end()};
}

std::vector<std::pair<std::string, std::int64_t>> codeFrequencies(const std::string& path) {
    std::vector<std::pair<std::string, std::int64_t>> counts; // first-appearance order
    std::unordered_map<std::string, std::size_t> index;
    DatasetReader reader(path);
    Document document;
    while (reader.next(document)) {
        for (const std::string& code : document.codes) {
            const auto [it, inserted] = index.emplace(code, counts.size());
            if (inserted)
                counts.emplace_back(code, 0);
            ++counts[it->second].second;
        }
    }
    std::stable_sort(counts.begin(), counts.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    return counts;
}

} // namespace fc
