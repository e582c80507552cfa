// MIMIC-III -> dataset documents, the caml-mimic / Fusion pipeline of fusion-spec.md section 3 (prepare.h).
// Deterministic where the authors' pandas code is not: notes of one admission keep their NOTEEVENTS order
// (pandas' quicksort by (SUBJECT_ID, HADM_ID) is unstable), codes keep file order (diagnoses, then
// procedures), and the final sort by token count is stable. Token count = fc::tokenize() tokens, i.e. the
// caml tokenisation the model reads (Fusion's length column also counts its [CLS]/[SEP] markers).
#include "fc/model/prepare.h"

#include "csv_reader.h"

#include "fc/model/errors.h"
#include "fc/model/tokenizer.h"
#include "fc/model/unicode.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace fc {
namespace {

const char* const kSplitNames[3] = {"train", "dev", "test"};

std::string trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return std::string(s);
}

std::string upperAscii(std::string s) {
    for (char& c : s)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    return s;
}

bool parseId(const std::string& text, std::int64_t& id) {
    const std::string t = trimmed(text);
    if (t.empty() || t.size() > 18 ||
        !std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return false;
    id = std::stoll(t);
    return true;
}

// ------------------------------------------------------------------ pandas' read_csv type inference

// pandas' default na_values.
bool isPandasMissing(const std::string& value) {
    static const std::set<std::string> kMissing{
        "",     "#N/A", "#N/A N/A", "#NA",  "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
        "<NA>", "N/A",  "NA",       "NULL", "NaN",     "None",     "n/a",  "nan",  "null"};
    return kMissing.count(value) > 0;
}

bool isIntegerLiteral(const std::string& value) {
    const std::string t = trimmed(value);
    std::size_t i = (!t.empty() && (t[0] == '+' || t[0] == '-')) ? 1 : 0;
    if (i == t.size() || t.size() - i > 18)
        return false;
    for (; i < t.size(); ++i)
        if (t[i] < '0' || t[i] > '9')
            return false;
    return true;
}

bool isFloatLiteral(const std::string& value) {
    const std::string t = trimmed(value);
    std::size_t i = (!t.empty() && (t[0] == '+' || t[0] == '-')) ? 1 : 0;
    std::size_t digits = 0;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9')
        ++i, ++digits;
    if (i < t.size() && t[i] == '.') {
        ++i;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9')
            ++i, ++digits;
    }
    if (digits == 0)
        return false;
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
        ++i;
        if (i < t.size() && (t[i] == '+' || t[i] == '-'))
            ++i;
        const std::size_t start = i;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9')
            ++i;
        if (i == start)
            return false;
    }
    return i == t.size();
}

// Python's repr() of a float (shortest round-trip digits; fixed notation below 1e16, as the values met here).
std::string pythonFloatRepr(double value) {
    if (std::isnan(value))
        return "nan";
    if (value == std::floor(value) && std::fabs(value) < 1e16) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.1f", value);
        return buffer;
    }
    char buffer[40];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
        if (std::strtod(buffer, nullptr) == value)
            break;
    }
    std::string out = buffer;
    if (out.find_first_of(".e") == std::string::npos)
        out += ".0";
    return out;
}

// str() of every cell of one column as pandas.read_csv (default dtypes) followed by str(value) gives it:
// an all-integer column becomes int64 (leading zeros lost), int-with-missing or decimal becomes float64
// ("66.0", missing "nan"), anything else stays object (strings kept, missing "nan"). With `asStrings`
// (dtype=str) every present cell is kept verbatim. Returns the column type name.
std::string pandasStrings(std::vector<std::string>& cells, bool asStrings) {
    bool anyMissing = false, allInteger = true, allFloat = true;
    for (const std::string& cell : cells) {
        if (isPandasMissing(cell)) {
            anyMissing = true;
            continue;
        }
        if (allInteger && !isIntegerLiteral(cell))
            allInteger = false;
        if (allFloat && !isFloatLiteral(cell))
            allFloat = false;
    }
    std::string type = asStrings                   ? "str"
                       : allInteger && !anyMissing ? "int64"
                       : allFloat                  ? "float64"
                                                   : "object";
    for (std::string& cell : cells) {
        if (isPandasMissing(cell))
            cell = "nan";
        else if (type == "int64")
            cell = std::to_string(std::stoll(trimmed(cell)));
        else if (type == "float64")
            cell = pythonFloatRepr(std::strtod(trimmed(cell).c_str(), nullptr));
    }
    return type;
}

// ------------------------------------------------------------------ inputs

std::vector<std::int64_t> readIdFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(path + ": cannot open for reading");
    std::vector<std::int64_t> ids;
    std::unordered_set<std::int64_t> seen;
    std::string line;
    std::int64_t lineNumber = 0;
    while (std::getline(in, line)) {
        ++lineNumber;
        if (trimmed(line).empty())
            continue;
        std::int64_t id = 0;
        if (!parseId(line, id))
            throw InputError(path + ":" + std::to_string(lineNumber) + ": expected one HADM_ID, found '" +
                             trimmed(line) + "'");
        if (seen.insert(id).second)
            ids.push_back(id);
    }
    return ids;
}

std::unordered_set<std::string> readTop50(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(path + ": cannot open for reading");
    std::unordered_set<std::string> codes;
    std::string line;
    while (std::getline(in, line)) {
        std::string code = trimmed(line);
        if (!code.empty())
            codes.insert(upperAscii(code));
    }
    if (codes.empty())
        throw InputError(path + ": no codes (expected one code per line)");
    return codes;
}

// Appends every admission's reformatted codes of one code file to `codes` (file order).
void readCodeFile(const std::string& path, bool isDiagnosis, bool asStrings,
                  std::unordered_map<std::int64_t, std::vector<std::string>>& codes, std::int64_t& rows,
                  std::int64_t& missing, std::string& columnType) {
    const auto reader = CsvReader::open(path);
    const std::size_t hadmColumn = reader->column("HADM_ID");
    const std::size_t codeColumn = reader->column("ICD9_CODE");
    std::vector<std::int64_t> admissions;
    std::vector<std::string> cells;
    std::vector<std::string> fields;
    while (reader->next(fields)) {
        std::int64_t hadm = 0;
        if (!parseId(fields[hadmColumn], hadm))
            throw InputError(path + ":" + std::to_string(reader->recordLine()) + ": HADM_ID '" +
                             fields[hadmColumn] + "' is not an admission id");
        admissions.push_back(hadm);
        if (isPandasMissing(fields[codeColumn]))
            ++missing;
        cells.push_back(std::move(fields[codeColumn]));
    }
    rows = static_cast<std::int64_t>(cells.size());
    columnType = pandasStrings(cells, asStrings);
    for (std::size_t i = 0; i < cells.size(); ++i)
        codes[admissions[i]].push_back(upperAscii(reformatIcd9Code(cells[i], isDiagnosis)));
}

struct Note {
    std::int64_t subject;
    std::int64_t hadm;
    std::string text;
};

// Discharge summaries (reports and addenda) of the admissions in `wanted`, NOTEEVENTS order.
std::vector<Note> readDischargeSummaries(const Mimic3Options& options,
                                         const std::unordered_set<std::int64_t>& wanted,
                                         std::unordered_set<std::int64_t>& allAdmissions,
                                         Mimic3Report& report) {
    const auto reader = CsvReader::open(options.noteEvents);
    const std::size_t subjectColumn = reader->column("SUBJECT_ID");
    const std::size_t hadmColumn = reader->column("HADM_ID");
    const std::size_t categoryColumn = reader->column("CATEGORY");
    const std::size_t textColumn = reader->column("TEXT");
    std::vector<Note> notes;
    std::vector<std::string> fields;
    while (reader->next(fields)) {
        if (options.progress && reader->recordCount() % 200000 == 0)
            options.progress("NOTEEVENTS: " + std::to_string(reader->recordCount()) + " rows read");
        if (fields[categoryColumn] != "Discharge summary")
            continue;
        ++report.dischargeRows;
        const std::string where = options.noteEvents + ":" + std::to_string(reader->recordLine());
        if (trimmed(fields[hadmColumn]).empty()) {
            ++report.dischargeWithoutAdmission;
            continue;
        }
        Note note;
        if (!parseId(fields[subjectColumn], note.subject) || !parseId(fields[hadmColumn], note.hadm))
            throw InputError(where + ": SUBJECT_ID '" + fields[subjectColumn] + "' or HADM_ID '" +
                             fields[hadmColumn] + "' is not an id");
        allAdmissions.insert(note.hadm);
        if (!wanted.count(note.hadm))
            continue;
        if (!isValidUtf8(fields[textColumn]))
            throw InputError(where + ": TEXT is not valid UTF-8");
        note.text = std::move(fields[textColumn]);
        notes.push_back(std::move(note));
    }
    report.noteRows = reader->recordCount();
    return notes;
}

} // namespace

std::string reformatIcd9Code(std::string_view code, bool isDiagnosis) {
    std::string out;
    for (char c : code)
        if (c != '.')
            out.push_back(c);
    if (isDiagnosis) {
        const std::size_t at = (!out.empty() && out[0] == 'E') ? 4 : 3;
        if (out.size() > at)
            out.insert(at, 1, '.');
    } else {
        out.insert(std::min<std::size_t>(2, out.size()), 1, '.');
    }
    return out;
}

Mimic3Dataset prepareMimic3(const Mimic3Options& options, Mimic3Report& report) {
    const auto progress = [&](const std::string& message) {
        if (options.progress)
            options.progress(message);
    };
    const std::string setting = options.setting == Mimic3Setting::Top50 ? "50" : "full";
    std::vector<std::int64_t> splitIds[3];
    std::unordered_map<std::int64_t, std::vector<int>> splitsOf;
    for (int s = 0; s < 3; ++s) {
        splitIds[s] = readIdFile(options.splitsDir + "/" + kSplitNames[s] + "_" + setting + "_hadm_ids.csv");
        for (std::int64_t id : splitIds[s])
            splitsOf[id].push_back(s);
    }
    std::unordered_set<std::string> top50;
    if (options.setting == Mimic3Setting::Top50)
        top50 = readTop50(options.top50File.empty() ? options.splitsDir + "/TOP_50_CODES.csv"
                                                    : options.top50File);

    std::unordered_set<std::int64_t> wanted;
    for (const auto& entry : splitsOf)
        wanted.insert(entry.first);
    std::unordered_set<std::int64_t> admissionsWithNotes;
    progress("reading discharge summaries from " + options.noteEvents);
    std::vector<Note> notes = readDischargeSummaries(options, wanted, admissionsWithNotes, report);
    report.admissionsWithNotes = static_cast<std::int64_t>(admissionsWithNotes.size());

    progress("reading codes");
    std::unordered_map<std::int64_t, std::vector<std::string>> codes;
    readCodeFile(options.diagnoses, true, options.correctedProcedureCodes, codes, report.diagnosisRows,
                 report.missingCodes, report.diagnosisColumnType);
    readCodeFile(options.procedures, false, options.correctedProcedureCodes, codes, report.procedureRows,
                 report.missingCodes, report.procedureColumnType);
    std::set<std::string> distinct;
    for (const auto& [hadm, list] : codes)
        if (admissionsWithNotes.count(hadm))
            distinct.insert(list.begin(), list.end());
    report.distinctCodes = static_cast<std::int64_t>(distinct.size());

    std::stable_sort(notes.begin(), notes.end(), [](const Note& a, const Note& b) {
        return a.subject != b.subject ? a.subject < b.subject : a.hadm < b.hadm;
    });

    Mimic3Dataset dataset;
    std::vector<Document>* outputs[3] = {&dataset.train, &dataset.dev, &dataset.test};
    report.splits.assign(3, Mimic3SplitReport{});
    for (int s = 0; s < 3; ++s) {
        report.splits[s].name = kSplitNames[s];
        report.splits[s].ids = static_cast<std::int64_t>(splitIds[s].size());
    }
    std::unordered_set<std::int64_t> written;
    for (std::size_t first = 0; first < notes.size();) {
        std::size_t last = first + 1;
        while (last < notes.size() && notes[last].subject == notes[first].subject &&
               notes[last].hadm == notes[first].hadm)
            ++last;
        Document document;
        document.id = std::to_string(notes[first].hadm);
        for (std::size_t i = first; i < last; ++i) {
            if (i > first)
                document.text.push_back(' ');
            document.text += notes[i].text;
            std::string().swap(notes[i].text);
        }
        const auto found = codes.find(notes[first].hadm);
        if (found != codes.end())
            for (const std::string& code : found->second)
                if (std::find(document.codes.begin(), document.codes.end(), code) == document.codes.end() &&
                    (options.setting == Mimic3Setting::Full || top50.count(code)))
                    document.codes.push_back(code);
        const std::vector<int>& memberships = splitsOf.at(notes[first].hadm);
        for (std::size_t m = 0; m < memberships.size(); ++m) {
            Mimic3SplitReport& split = report.splits[memberships[m]];
            if (document.codes.empty() && options.setting == Mimic3Setting::Top50) {
                ++split.withoutTopCode;
                continue;
            }
            if (document.codes.empty())
                ++split.withoutCodes;
            ++split.documents;
            if (m + 1 < memberships.size())
                outputs[memberships[m]]->push_back(document);
            else
                outputs[memberships[m]]->push_back(std::move(document));
        }
        written.insert(notes[first].hadm);
        first = last;
    }
    for (int s = 0; s < 3; ++s) {
        for (std::int64_t id : splitIds[s])
            if (!written.count(id))
                ++report.splits[s].idsWithoutNote;
        progress("counting tokens of the " + std::string(kSplitNames[s]) + " split");
        std::vector<std::pair<std::size_t, std::size_t>> order; // (tokens, position)
        std::vector<Document>& split = *outputs[s];
        order.reserve(split.size());
        for (std::size_t i = 0; i < split.size(); ++i)
            order.emplace_back(tokenize(std::string_view(split[i].text)).size(), i);
        std::stable_sort(order.begin(), order.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        std::vector<Document> sorted;
        sorted.reserve(split.size());
        for (const auto& entry : order)
            sorted.push_back(std::move(split[entry.second]));
        split = std::move(sorted);
    }
    return dataset;
}

} // namespace fc
