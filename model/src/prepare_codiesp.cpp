// CodiEsp tree -> dataset documents (prepare.h). The tree is the Zenodo / final_dataset_v4_to_publish
// layout: <split>/text_files (Spanish), <split>/text_files_en (English MT, one sentence per line),
// <split>/<split>{D,P,X}.tsv. Text files are kept byte for byte, so X.tsv offsets (code points into the
// Spanish files, as Python counts them) stay valid.
#include "fc/model/prepare.h"

#include "fc/model/errors.h"
#include "fc/model/sentence_alignment.h"
#include "fc/model/unicode.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace fc {
namespace {

namespace fs = std::filesystem;

std::string trimmed(std::string_view s) {
    const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && isSpace(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back()))
        s.remove_suffix(1);
    return std::string(s);
}

std::vector<std::string> splitTabs(const std::string& line) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (;;) {
        const std::size_t tab = line.find('\t', start);
        fields.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
        if (tab == std::string::npos)
            return fields;
        start = tab + 1;
    }
}

// Calls `row(fields, lineNumber)` for every non-blank line of a tab-separated file.
template <typename RowFunction>
void forEachTsvRow(const fs::path& path, std::size_t fieldCount, RowFunction row) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(path.string() + ": cannot open for reading");
    std::string line;
    std::int64_t lineNumber = 0;
    while (std::getline(in, line)) {
        ++lineNumber;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (trimmed(line).empty())
            continue;
        const std::vector<std::string> fields = splitTabs(line);
        if (fields.size() != fieldCount)
            throw InputError(path.string() + ":" + std::to_string(lineNumber) + ": expected " +
                             std::to_string(fieldCount) + " tab-separated fields, found " +
                             std::to_string(fields.size()));
        row(fields, lineNumber);
    }
    if (in.bad())
        throw InputError(path.string() + ": read error");
}

std::string readTextFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(path.string() + ": cannot open for reading");
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad())
        throw InputError(path.string() + ": read error");
    std::string text = content.str();
    if (!isValidUtf8(text))
        throw InputError(path.string() + ": not valid UTF-8");
    return text;
}

fs::path resolveRoot(const std::string& root) {
    const fs::path given(root);
    if (fs::is_directory(given / "final_dataset_v4_to_publish"))
        return given / "final_dataset_v4_to_publish";
    if (fs::is_regular_file(given) || fs::exists(given / "codiesp_v4_train_dev_background.tar.xz"))
        throw InputError(root + ": the CodiEsp archive must be unpacked first (tar -xJf "
                                "codiesp_v4_train_dev_background.tar.xz) and --root given the "
                                "final_dataset_v4_to_publish folder it creates");
    if (!fs::is_directory(given))
        throw InputError(root + ": no such directory");
    return given;
}

// Code normalisation against the optional known-code predicate, memoised per code; counts into the report.
class CodeMapper {
public:
    CodeMapper(const CodiespOptions& options, CodiespReport& report) : m_options(options), m_report(report) {}

    // The code to store for one assignment of `code` (already in catalog form).
    std::string assign(const std::string& code, bool isDiagnosis) {
        const std::string mapped = map(code, isDiagnosis);
        if (!m_options.isKnownCode || m_known.at(key(code, isDiagnosis)))
            return mapped;
        ++m_report.unknownCodes[code];
        if (mapped != code)
            ++m_report.mappedAssignments;
        else
            ++m_report.unmappedAssignments;
        return mapped;
    }
    // The same mapping for an evidence code, not counted as an assignment.
    std::string map(const std::string& code, bool isDiagnosis) {
        if (!m_options.isKnownCode)
            return code;
        const std::string k = key(code, isDiagnosis);
        const auto cached = m_cache.find(k);
        if (cached != m_cache.end())
            return cached->second;
        const bool known = m_options.isKnownCode(code, isDiagnosis);
        m_known[k] = known;
        if (known)
            return m_cache[k] = code;
        const std::optional<std::string> parent = knownParentCode(
            code, [&](const std::string& c) { return m_options.isKnownCode(c, isDiagnosis); });
        if (parent)
            m_report.mappedToParent[code] = *parent;
        return m_cache[k] = parent ? *parent : code;
    }

private:
    static std::string key(const std::string& code, bool isDiagnosis) {
        return (isDiagnosis ? "D" : "P") + code;
    }

    const CodiespOptions& m_options;
    CodiespReport& m_report;
    std::unordered_map<std::string, std::string> m_cache;
    std::unordered_map<std::string, bool> m_known;
};

struct EvidenceRow {
    std::string code; // catalog form
    bool isDiagnosis;
    std::string offsets;
    std::string text;
    std::int64_t line;
};

struct Annotations {
    std::unordered_map<std::string, std::vector<std::string>> codes;    // document -> codes, file order
    std::unordered_map<std::string, std::vector<std::string>> seen;     // document -> normalised codes seen
    std::unordered_map<std::string, std::vector<EvidenceRow>> evidence; // document -> X.tsv rows, file order
};

void readCodes(const fs::path& tsv, bool isDiagnosis, CodeMapper& mapper, Annotations& annotations,
               CodiespReport& report) {
    forEachTsvRow(tsv, 2, [&](const std::vector<std::string>& fields, std::int64_t lineNumber) {
        const std::string document = trimmed(fields[0]);
        const std::string code = normaliseIcd10Code(fields[1], isDiagnosis);
        if (document.empty() || code.empty())
            throw InputError(tsv.string() + ":" + std::to_string(lineNumber) + ": empty document id or code");
        std::vector<std::string>& seen = annotations.seen[document];
        if (std::find(seen.begin(), seen.end(), code) != seen.end()) {
            ++report.duplicateCodes;
            return;
        }
        seen.push_back(code);
        const std::string stored = mapper.assign(code, isDiagnosis);
        std::vector<std::string>& codes = annotations.codes[document];
        if (std::find(codes.begin(), codes.end(), stored) == codes.end())
            codes.push_back(stored);
    });
}

void readEvidence(const fs::path& tsv, Annotations& annotations) {
    forEachTsvRow(tsv, 5, [&](const std::vector<std::string>& fields, std::int64_t lineNumber) {
        const std::string kind = trimmed(fields[1]);
        if (kind != "DIAGNOSTICO" && kind != "PROCEDIMIENTO")
            throw InputError(tsv.string() + ":" + std::to_string(lineNumber) +
                             ": expected DIAGNOSTICO or PROCEDIMIENTO in field 2, found '" + kind + "'");
        const std::string code = normaliseIcd10Code(fields[2], kind == "DIAGNOSTICO");
        annotations.evidence[trimmed(fields[0])].push_back(
            EvidenceRow{code, kind == "DIAGNOSTICO", fields[4], fields[3], lineNumber});
    });
}

// "start end[;start end]" -> fragments; InputError naming the X.tsv line when malformed.
std::vector<std::pair<std::int64_t, std::int64_t>> parseOffsets(const std::string& offsets,
                                                                const std::string& where) {
    std::vector<std::pair<std::int64_t, std::int64_t>> fragments;
    std::istringstream parts(offsets);
    std::string part;
    while (std::getline(parts, part, ';')) {
        std::istringstream numbers(part);
        std::int64_t begin = 0, end = 0;
        std::string rest;
        if (!(numbers >> begin >> end) || (numbers >> rest))
            throw InputError(where + ": malformed offsets '" + offsets +
                             "' (expected 'start end[;start end]')");
        fragments.emplace_back(begin, end);
    }
    if (fragments.empty())
        throw InputError(where + ": empty offsets");
    return fragments;
}

void attachEvidence(Document& document, const std::u32string& text, const std::vector<EvidenceRow>& rows,
                    const fs::path& tsv, CodeMapper& mapper, CodiespReport& report) {
    const auto length = static_cast<std::int64_t>(text.size());
    std::set<std::tuple<std::string, std::int64_t, std::int64_t>> written;
    for (const EvidenceRow& row : rows) {
        const std::string& evidenceText = row.text;
        const auto fragments = parseOffsets(row.offsets, tsv.string() + ":" + std::to_string(row.line));
        const std::string code = mapper.map(row.code, row.isDiagnosis);
        if (fragments.size() > 1)
            ++report.evidenceDiscontiguous;
        for (const auto& [begin, end] : fragments) {
            if (begin == end && begin >= 0 && end <= length) {
                ++report.evidenceEmpty;
                continue;
            }
            if (begin < 0 || begin > end || end > length) {
                ++report.evidenceOutOfRange;
                continue;
            }
            if (fragments.size() == 1) {
                ++report.evidenceChecked;
                const std::string span = encodeUtf8(
                    text.substr(static_cast<std::size_t>(begin), static_cast<std::size_t>(end - begin)));
                if (span != evidenceText) {
                    ++report.evidenceMismatches;
                    if (report.mismatchExamples.size() < 10)
                        report.mismatchExamples.push_back(document.id + " " + code + " [" +
                                                          std::to_string(begin) + "," + std::to_string(end) +
                                                          "): '" + span + "' vs '" + evidenceText + "'");
                }
            }
            if (!written.emplace(code, begin, end).second) {
                ++report.evidenceDuplicates;
                continue;
            }
            if (std::find(document.codes.begin(), document.codes.end(), code) == document.codes.end())
                ++report.evidenceCodeNotAssigned;
            document.evidence.push_back(EvidenceAnnotation{code, begin, end});
            ++report.evidenceSpans;
        }
    }
}

// English with projectEnglishEvidence: the X fragments of the Spanish original, projected onto the English
// sentences aligned with the Spanish sentences they fall in (sentence_alignment.h).
void attachProjectedEvidence(Document& document, const fs::path& spanishFile,
                             const std::vector<EvidenceRow>& rows, const fs::path& tsv, CodeMapper& mapper,
                             CodiespReport& report) {
    const std::u32string spanish = decodeUtf8(readTextFile(spanishFile));
    const std::u32string english = decodeUtf8(document.text);
    std::vector<std::string> codes;
    std::vector<SentenceSpan> fragments;
    for (const EvidenceRow& row : rows) {
        const std::string code = mapper.map(row.code, row.isDiagnosis);
        for (const auto& [begin, end] :
             parseOffsets(row.offsets, tsv.string() + ":" + std::to_string(row.line))) {
            if (begin < 0 || begin >= end || end > static_cast<std::int64_t>(spanish.size())) {
                ++report.evidenceOutOfRange;
                continue;
            }
            codes.push_back(code);
            fragments.push_back({begin, end});
        }
    }
    const auto projected = projectSpans(spanish, english, fragments);
    std::set<std::tuple<std::string, std::int64_t, std::int64_t>> written;
    for (std::size_t i = 0; i < projected.size(); ++i) {
        if (!projected[i]) {
            ++report.evidenceNotProjected;
            continue;
        }
        ++report.evidenceProjected;
        if (!written.emplace(codes[i], projected[i]->begin, projected[i]->end).second)
            continue; // two fragments of one code in the same sentence(s)
        document.evidence.push_back(EvidenceAnnotation{codes[i], projected[i]->begin, projected[i]->end});
        ++report.evidenceSpans;
    }
}

void prepareSplit(const fs::path& root, const std::string& split, const CodiespOptions& options,
                  CodeMapper& mapper, CodiespReport& report, std::vector<Document>& out) {
    static const std::set<std::string> kSplits{"train", "dev", "test", "background"};
    if (!kSplits.count(split))
        throw InputError("unknown CodiEsp split '" + split + "' (expected train, dev, test or background)");
    const fs::path folder = root / split;
    if (!fs::is_directory(folder))
        throw InputError(
            folder.string() + ": split '" + split + "' is not in this CodiEsp tree" +
            (split == "test" ? " (the test split is held out; it is only read from <root>/test)" : ""));
    const bool spanish = options.language == CodiespLanguage::Spanish;
    const fs::path textFolder = folder / (spanish ? "text_files" : "text_files_en");
    if (!fs::is_directory(textFolder))
        throw InputError(textFolder.string() + ": no such directory");

    std::vector<fs::path> files;
    for (const fs::directory_entry& entry : fs::directory_iterator(textFolder))
        if (entry.is_regular_file() && entry.path().extension() == ".txt")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());

    const bool annotated = split != "background";
    Annotations annotations;
    if (annotated) {
        readCodes(folder / (split + "D.tsv"), true, mapper, annotations, report);
        readCodes(folder / (split + "P.tsv"), false, mapper, annotations, report);
        if (spanish || options.projectEnglishEvidence)
            readEvidence(folder / (split + "X.tsv"), annotations);
    }

    std::set<std::string> withText;
    for (const fs::path& file : files) {
        Document document;
        document.id = file.stem().string();
        document.text = readTextFile(file);
        withText.insert(document.id);
        if (annotated) {
            const auto codes = annotations.codes.find(document.id);
            if (codes != annotations.codes.end())
                document.codes = codes->second;
            else
                ++report.documentsWithoutCodes;
            const auto evidence = annotations.evidence.find(document.id);
            if (evidence != annotations.evidence.end() && spanish)
                attachEvidence(document, decodeUtf8(document.text), evidence->second,
                               folder / (split + "X.tsv"), mapper, report);
            else if (evidence != annotations.evidence.end())
                attachProjectedEvidence(document, folder / "text_files" / file.filename(), evidence->second,
                                        folder / (split + "X.tsv"), mapper, report);
        }
        report.codes += static_cast<std::int64_t>(document.codes.size());
        out.push_back(std::move(document));
    }
    for (const auto& [id, codes] : annotations.codes)
        if (!withText.count(id))
            ++report.annotatedMissingText;
    report.documentsPerSplit[split] += static_cast<std::int64_t>(files.size());
    report.documents += static_cast<std::int64_t>(files.size());
}

} // namespace

std::string normaliseIcd10Code(std::string_view code, bool isDiagnosis) {
    std::string out = trimmed(code);
    for (char& c : out)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    if (isDiagnosis && out.size() > 3 && out.find('.') == std::string::npos)
        out.insert(3, 1, '.');
    return out;
}

std::optional<std::string> knownParentCode(const std::string& code,
                                           const std::function<bool(const std::string&)>& isKnown) {
    const std::size_t dot = code.find('.');
    if (dot == std::string::npos)
        return std::nullopt;
    std::string candidate = code;
    while (candidate.size() > dot) {
        candidate.pop_back();
        if (candidate.back() == '.')
            candidate.pop_back();
        if (isKnown(candidate))
            return candidate;
    }
    return std::nullopt;
}

std::vector<Document> prepareCodiesp(const CodiespOptions& options, CodiespReport& report) {
    const fs::path root = resolveRoot(options.root);
    CodeMapper mapper(options, report);
    std::vector<Document> documents;
    for (const std::string& split : options.splits)
        prepareSplit(root, split, options, mapper, report, documents);
    std::set<std::string> distinct;
    for (const Document& document : documents)
        distinct.insert(document.codes.begin(), document.codes.end());
    report.distinctCodes = static_cast<std::int64_t>(distinct.size());
    return documents;
}

} // namespace fc
