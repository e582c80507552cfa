// MIMIC-IV -> dataset files with Edin et al.'s splits (prepare.h). Three streaming passes keep memory to the
// split's admissions and codes: discharge notes counted per admission, codes read and counted, then the notes
// again, each admission written as soon as its last note has been read.
#include "fc/model/prepare.h"

#include "csv_reader.h"

#include "fc/model/errors.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>
#include <unordered_map>

namespace fc {
namespace {

enum Split { Train = 0, Dev = 1, Test = 2 };
const char* const kSplitNames[3] = {"train", "dev", "test"};

std::string trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return std::string(s);
}

std::int64_t parseId(const CsvReader& reader, const std::string& text, const char* column) {
    const std::string t = trimmed(text);
    // pandas may write ids as floats ("20000001.0") when a column had missing values.
    const std::string digits =
        t.size() > 2 && t.compare(t.size() - 2, 2, ".0") == 0 ? t.substr(0, t.size() - 2) : t;
    if (digits.empty() || digits.size() > 18 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw InputError(reader.sourceName() + ":" + std::to_string(reader.recordLine()) + ": " + column +
                         " '" + t + "' is not an admission id");
    return std::stoll(digits);
}

std::size_t columnOf(const CsvReader& reader, std::initializer_list<const char*> names) {
    for (const char* name : names) {
        const auto& header = reader.header();
        if (std::find(header.begin(), header.end(), name) != header.end())
            return reader.column(name);
    }
    return reader.column(*names.begin()); // throws, naming the first
}

std::unordered_map<std::int64_t, Split> readSplits(const std::string& path, Mimic4Report& report) {
    auto reader = CsvReader::open(path);
    const std::size_t idColumn = columnOf(*reader, {"_id", "hadm_id"});
    const std::size_t splitColumn = reader->column("split");
    std::unordered_map<std::int64_t, Split> splits;
    std::vector<std::string> fields;
    while (reader->next(fields)) {
        const std::int64_t id = parseId(*reader, fields[idColumn], "_id");
        const std::string name = trimmed(fields[splitColumn]);
        Split split;
        if (name == "train")
            split = Train;
        else if (name == "val" || name == "dev")
            split = Dev;
        else if (name == "test")
            split = Test;
        else
            throw InputError(path + ":" + std::to_string(reader->recordLine()) + ": split '" + name +
                             "' is not train, val or test");
        if (splits.emplace(id, split).second)
            ++report.splits[static_cast<std::size_t>(split)].ids;
    }
    return splits;
}

// Catalog form of one code of the chosen version.
std::string catalogCode(const std::string& code, bool isDiagnosis, Mimic4Codes codes) {
    return codes == Mimic4Codes::Icd10 ? normaliseIcd10Code(code, isDiagnosis)
                                       : reformatIcd9Code(trimmed(code), isDiagnosis);
}

struct Admission {
    Split split = Train;
    int notes = 0;                  // discharge notes still to read (pass 3)
    std::string text;               // notes read so far (pass 3)
    std::vector<std::string> codes; // diagnoses then procedures, de-duplicated
};

void readCodes(const std::string& path, bool isDiagnosis, const Mimic4Options& options,
               std::unordered_map<std::int64_t, Admission>& admissions, Mimic4Report& report) {
    auto reader = CsvReader::open(path);
    const std::size_t idColumn = reader->column("hadm_id");
    const std::size_t codeColumn = reader->column("icd_code");
    const std::size_t versionColumn = reader->column("icd_version");
    const std::string wanted = options.codes == Mimic4Codes::Icd10 ? "10" : "9";
    std::vector<std::string> fields;
    while (reader->next(fields)) {
        ++(isDiagnosis ? report.diagnosisRows : report.procedureRows);
        if (trimmed(fields[versionColumn]) != wanted) {
            ++report.otherVersionRows;
            continue;
        }
        if (trimmed(fields[idColumn]).empty())
            continue;
        const auto it = admissions.find(parseId(*reader, fields[idColumn], "hadm_id"));
        if (it == admissions.end())
            continue;
        const std::string code = catalogCode(fields[codeColumn], isDiagnosis, options.codes);
        auto& codes = it->second.codes;
        if (!code.empty() && std::find(codes.begin(), codes.end(), code) == codes.end())
            codes.push_back(code);
    }
}

// Drops codes with fewer than minCodeCount assignments (each admission counts a code once).
void dropRareCodes(std::unordered_map<std::int64_t, Admission>& admissions, int minCodeCount,
                   Mimic4Report& report) {
    std::unordered_map<std::string, std::int64_t> counts;
    for (const auto& [id, admission] : admissions)
        for (const auto& code : admission.codes)
            ++counts[code];
    for (auto& [id, admission] : admissions) {
        auto& codes = admission.codes;
        const auto rare = [&](const std::string& code) { return counts.at(code) < minCodeCount; };
        report.rareAssignments += std::count_if(codes.begin(), codes.end(), rare);
        codes.erase(std::remove_if(codes.begin(), codes.end(), rare), codes.end());
    }
    for (const auto& [code, count] : counts)
        ++(count < minCodeCount ? report.rareCodes : report.distinctCodes);
}

void progress(const Mimic4Options& options, const std::string& line) {
    if (options.progress)
        options.progress(line);
}

} // namespace

void prepareMimic4(const Mimic4Options& options, Mimic4Report& report) {
    report = {};
    for (const char* name : kSplitNames)
        report.splits.push_back({name, 0, 0, 0, 0, {}});
    if (options.minCodeCount < 1)
        throw InputError("the minimum code count must be >= 1");
    const auto splits = readSplits(options.splits, report);
    progress(options, "splits: " + std::to_string(splits.size()) + " admissions from " + options.splits);

    // Pass 1: which split admissions have notes, and how many.
    std::unordered_map<std::int64_t, Admission> admissions;
    {
        auto reader = CsvReader::open(options.discharge);
        const std::size_t idColumn = reader->column("hadm_id");
        reader->column("text");
        std::vector<std::string> fields;
        while (reader->next(fields)) {
            ++report.dischargeRows;
            if (trimmed(fields[idColumn]).empty()) {
                ++report.dischargeOutsideSplits;
                continue;
            }
            const std::int64_t id = parseId(*reader, fields[idColumn], "hadm_id");
            const auto split = splits.find(id);
            if (split == splits.end()) {
                ++report.dischargeOutsideSplits;
                continue;
            }
            Admission& admission = admissions[id];
            admission.split = split->second;
            ++admission.notes;
        }
    }
    for (const auto& [id, split] : splits)
        if (admissions.count(id) == 0)
            ++report.splits[static_cast<std::size_t>(split)].idsWithoutNote;
    progress(options, "discharge notes: " + std::to_string(report.dischargeRows) + " rows, " +
                          std::to_string(admissions.size()) + " split admissions with a note");

    // Pass 2: codes.
    readCodes(options.diagnoses, true, options, admissions, report);
    readCodes(options.procedures, false, options, admissions, report);
    dropRareCodes(admissions, options.minCodeCount, report);
    progress(options, "codes: " + std::to_string(report.distinctCodes) + " kept, " +
                          std::to_string(report.rareCodes) + " with fewer than " +
                          std::to_string(options.minCodeCount) + " admissions dropped");

    // Pass 3: the notes again; an admission is written when its last note has been read.
    const std::string suffix = options.codes == Mimic4Codes::Icd10 ? "icd10" : "icd9";
    std::filesystem::create_directories(options.outDir);
    std::vector<std::unique_ptr<DatasetWriter>> writers;
    for (std::size_t s = 0; s < 3; ++s) {
        report.splits[s].file =
            (std::filesystem::path(options.outDir) / (std::string(kSplitNames[s]) + "_" + suffix + ".jsonl"))
                .string();
        writers.push_back(std::make_unique<DatasetWriter>(report.splits[s].file));
    }
    auto reader = CsvReader::open(options.discharge);
    const std::size_t idColumn = reader->column("hadm_id");
    const std::size_t textColumn = reader->column("text");
    std::vector<std::string> fields;
    while (reader->next(fields)) {
        if (trimmed(fields[idColumn]).empty())
            continue;
        const std::int64_t id = parseId(*reader, fields[idColumn], "hadm_id");
        const auto it = admissions.find(id);
        if (it == admissions.end())
            continue;
        Admission& admission = it->second;
        admission.text += (admission.text.empty() ? "" : " ") + fields[textColumn];
        if (--admission.notes > 0)
            continue;
        auto& split = report.splits[static_cast<std::size_t>(admission.split)];
        if (admission.codes.empty()) {
            ++split.withoutCodes;
        } else {
            Document document;
            document.id = std::to_string(id);
            document.text = std::move(admission.text);
            document.codes = std::move(admission.codes);
            writers[static_cast<std::size_t>(admission.split)]->write(document);
            ++split.documents;
        }
        admissions.erase(it);
    }
    for (auto& writer : writers)
        writer->commit();
}

} // namespace fc
