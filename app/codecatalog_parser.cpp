// CodeCatalog::load: reading, checking and indexing one catalog file per system (format: the docstring of
// scripts/build_catalogs.py).
#include "codecatalog_internal.h"

#include <QDir>
#include <QFile>

#include <cstring>
#include <iterator>
#include <limits>
#include <thread>
#include <unordered_map>

namespace fc {

namespace {

constexpr int kFormatVersion = 1;
// A catalog text is ~12 MB; a length prefix beyond this is a corrupt file, not a reason to allocate.
constexpr quint32 kMaxTextBytes = 256u * 1024u * 1024u;

// Splits one line into exactly `count` TAB-separated fields; false when the number differs.
bool splitFields(std::string_view line, std::string_view* fields, std::size_t count) {
    std::size_t n = 0;
    std::size_t start = 0;
    while (true) {
        const std::size_t tab = line.find('\t', start);
        if (n == count)
            return false;
        if (tab == std::string_view::npos) {
            fields[n++] = line.substr(start);
            return n == count;
        }
        fields[n++] = line.substr(start, tab - start);
        start = tab + 1;
    }
}

bool parseCount(std::string_view text, std::size_t* value) {
    if (text.empty() || text.size() > 9)
        return false;
    std::size_t result = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return false;
        result = result * 10 + std::size_t(c - '0');
    }
    *value = result;
    return true;
}

// Sorts `ids` and removes repeats.
void sortUnique(std::vector<std::uint32_t>& ids) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

// Folded word -> provisional id (order of first appearance), by open addressing; owns the words.
class WordTable {
public:
    std::uint32_t idOf(std::string_view word) {
        if ((words_.size() + 1) * 2 > slots_.size())
            grow();
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = hash(word) & mask;; i = (i + 1) & mask) {
            const std::uint32_t slot = slots_[i];
            if (slot == 0) {
                words_.emplace_back(word);
                slots_[i] = std::uint32_t(words_.size());
                return idOfSlot(slots_[i]);
            }
            if (words_[slot - 1] == word)
                return idOfSlot(slot);
        }
    }
    std::vector<std::string>& words() { return words_; }

private:
    static std::uint32_t idOfSlot(std::uint32_t slot) { return slot - 1; }
    static std::size_t hash(std::string_view word) {
        std::uint64_t h = 1469598103934665603ull; // FNV-1a
        for (char c : word)
            h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
        return std::size_t(h ^ (h >> 29));
    }
    void grow() {
        std::vector<std::uint32_t> slots(std::max<std::size_t>(4096, slots_.size() * 2), 0);
        const std::size_t mask = slots.size() - 1;
        for (std::uint32_t id = 0; id < words_.size(); ++id) {
            std::size_t i = hash(words_[id]) & mask;
            while (slots[i] != 0)
                i = (i + 1) & mask;
            slots[i] = id + 1;
        }
        slots_ = std::move(slots);
    }

    std::vector<std::uint32_t> slots_; // 0 = empty, else id + 1; size is a power of two
    std::vector<std::string> words_;
};

// Parses and indexes one decompressed catalog text; returns an error message ("line N: ...") or empty.
class CatalogParser {
public:
    explicit CatalogParser(CodeCatalog::System& system) : system_(system) {}
    QString parse(const QString& expectedSystem);

private:
    QString fail(const QString& message) const {
        return QStringLiteral("line %1: %2").arg(line_).arg(message);
    }
    Span span(std::string_view field) const {
        return Span{std::uint32_t(field.data() - system_.text.constData()), std::uint32_t(field.size())};
    }
    bool nextLine(std::string_view* line);
    QString parseHeader(const QString& expectedSystem, std::size_t* groups, std::size_t* entries);
    QString parseGroup(std::string_view line);
    QString parseEntry(std::string_view line);
    // Appends the sorted union of the words of `text` and of `inherited` to `out`.
    void appendWords(std::string_view text, const std::uint32_t* inherited, const std::uint32_t* inheritedEnd,
                     std::vector<std::uint32_t>& out);
    void buildIndexes();

    CodeCatalog::System& system_;
    std::size_t position_ = 0;
    std::size_t line_ = 0;
    std::unordered_map<std::string_view, std::int32_t> groupIndex_;
    // Entries whose code is a prefix of the last code read, outermost first: the only possible parent codes,
    // since E rows are sorted and a parent code is a prefix of its children.
    std::vector<std::uint32_t> openEntries_;
    WordTable wordTable_;
    // Per entry, the sorted provisional word ids of its resolved short and long description (flattened).
    std::vector<std::uint32_t> shortStart_{0}, shortWords_, longStart_{0}, longWords_, own_, merged_;
    std::string buffer_;
};

bool CatalogParser::nextLine(std::string_view* line) {
    const QByteArray& text = system_.text;
    if (position_ >= std::size_t(text.size()))
        return false;
    const char* begin = text.constData() + position_;
    const void* newline = std::memchr(begin, '\n', std::size_t(text.size()) - position_);
    const std::size_t length = newline ? std::size_t(static_cast<const char*>(newline) - begin)
                                       : std::size_t(text.size()) - position_;
    *line = std::string_view(begin, length);
    position_ += length + 1;
    ++line_;
    return true;
}

QString CatalogParser::parseHeader(const QString& expectedSystem, std::size_t* groups, std::size_t* entries) {
    std::string_view line;
    std::string_view fields[3];
    if (!nextLine(&line) || !splitFields(line, fields, 3) || fields[0] != "@format" ||
        fields[1] != "fusioncoder-catalog")
        return fail(QStringLiteral("not a fusioncoder catalog (no '@format' line)"));
    if (fields[2] != std::to_string(kFormatVersion))
        return fail(QStringLiteral("format version %1, this program reads %2")
                        .arg(QString::fromUtf8(fields[2].data(), qsizetype(fields[2].size())))
                        .arg(kFormatVersion));
    bool haveSystem = false, haveGroups = false, haveEntries = false;
    while (!(haveSystem && haveGroups && haveEntries)) {
        if (!nextLine(&line))
            return fail(QStringLiteral("the header ends early"));
        if (!splitFields(line, fields, 2) || fields[0].empty() || fields[0][0] != '@')
            return fail(QStringLiteral("expected an '@key<TAB>value' header line"));
        if (fields[0] == "@system") {
            if (QString::fromUtf8(fields[1].data(), qsizetype(fields[1].size())) != expectedSystem)
                return fail(QStringLiteral("the file is for another system"));
            haveSystem = true;
        } else if (fields[0] == "@title") {
            system_.title = QString::fromUtf8(fields[1].data(), qsizetype(fields[1].size()));
        } else if (fields[0] == "@groups") {
            if (!parseCount(fields[1], groups))
                return fail(QStringLiteral("bad @groups count"));
            haveGroups = true;
        } else if (fields[0] == "@entries") {
            if (!parseCount(fields[1], entries))
                return fail(QStringLiteral("bad @entries count"));
            haveEntries = true;
        }
    }
    return {};
}

QString CatalogParser::parseGroup(std::string_view line) {
    std::string_view fields[5];
    if (!splitFields(line, fields, 5) || fields[0] != "G")
        return fail(QStringLiteral("expected a group row 'G<TAB>code<TAB>parent<TAB>kind<TAB>title'"));
    GroupRecord group;
    group.code = span(fields[1]);
    group.kind = span(fields[3]);
    group.title = span(fields[4]);
    if (fields[1].empty() || fields[3].empty())
        return fail(QStringLiteral("a group without code or kind"));
    if (!fields[2].empty()) {
        const auto parent = groupIndex_.find(fields[2]);
        if (parent == groupIndex_.end())
            return fail(QStringLiteral("the parent group is not defined above"));
        group.parent = parent->second;
    }
    if (!groupIndex_.emplace(fields[1], std::int32_t(system_.groups.size())).second)
        return fail(QStringLiteral("duplicate group code"));
    system_.groups.push_back(group);
    return {};
}

void CatalogParser::appendWords(std::string_view text, const std::uint32_t* inherited,
                                const std::uint32_t* inheritedEnd, std::vector<std::uint32_t>& out) {
    own_.clear();
    forEachFoldedWord(text, buffer_, [&](std::string_view word) { own_.push_back(wordTable_.idOf(word)); });
    sortUnique(own_);
    merged_.clear();
    std::set_union(inherited, inheritedEnd, own_.begin(), own_.end(), std::back_inserter(merged_));
    out.insert(out.end(), merged_.begin(), merged_.end());
}

QString CatalogParser::parseEntry(std::string_view line) {
    std::string_view fields[6];
    if (!splitFields(line, fields, 6) || fields[0] != "E")
        return fail(
            QStringLiteral("expected a code row 'E<TAB>code<TAB>billable<TAB>parent<TAB>short<TAB>long'"));
    EntryRecord entry;
    std::string normalized;
    const std::string_view code = fields[1];
    if (!normalizeCode(code, &normalized))
        return fail(QStringLiteral("bad code"));
    if (!system_.entries.empty()) {
        const std::string_view previous = system_.view(system_.entries.back().code);
        if (code == previous)
            return fail(QStringLiteral("duplicate code"));
        if (code < previous)
            return fail(QStringLiteral("codes are not in ascending order"));
    }
    entry.code = span(code);
    if (fields[2] != "0" && fields[2] != "1")
        return fail(QStringLiteral("the billable flag is not 0 or 1"));
    entry.billable = fields[2] == "1";

    while (!openEntries_.empty() && code.substr(0, system_.entries[openEntries_.back()].code.size) !=
                                        system_.view(system_.entries[openEntries_.back()].code))
        openEntries_.pop_back();
    if (!fields[3].empty()) {
        for (auto it = openEntries_.rbegin(); it != openEntries_.rend() && entry.parentEntry < 0; ++it)
            if (system_.view(system_.entries[*it].code) == fields[3])
                entry.parentEntry = std::int32_t(*it);
        if (entry.parentEntry < 0) {
            const auto group = groupIndex_.find(fields[3]);
            if (group == groupIndex_.end())
                return fail(
                    QStringLiteral("the parent is not defined above (a parent code must be a prefix)"));
            entry.parentGroup = group->second;
        }
    }
    std::string_view shortText = fields[4];
    std::string_view longText = fields[5];
    if (shortText.empty())
        return fail(QStringLiteral("a code without description"));
    entry.shortInherits = shortText[0] == '^';
    entry.longInherits = !longText.empty() && longText[0] == '^';
    entry.longIsShort = longText.empty();
    if ((entry.shortInherits || entry.longInherits) && entry.parentEntry < 0)
        return fail(QStringLiteral("a description continues a parent that is not a code"));
    if (entry.shortInherits)
        shortText.remove_prefix(1);
    if (entry.longInherits)
        longText.remove_prefix(1);
    entry.shortText = span(shortText);
    entry.longText = span(longText);

    // Words of the resolved descriptions: the parent's words when the text continues the parent's.
    const auto self = std::uint32_t(system_.entries.size());
    const auto parent = std::size_t(entry.parentEntry);
    if (entry.shortInherits)
        appendWords(shortText, shortWords_.data() + shortStart_[parent],
                    shortWords_.data() + shortStart_[parent + 1], shortWords_);
    else
        appendWords(shortText, nullptr, nullptr, shortWords_);
    shortStart_.push_back(std::uint32_t(shortWords_.size()));
    if (entry.longIsShort)
        longWords_.insert(longWords_.end(), merged_.begin(), merged_.end());
    else if (entry.longInherits)
        appendWords(longText, longWords_.data() + longStart_[parent],
                    longWords_.data() + longStart_[parent + 1], longWords_);
    else
        appendWords(longText, nullptr, nullptr, longWords_);
    longStart_.push_back(std::uint32_t(longWords_.size()));

    entry.key = packCode(normalized);
    system_.entries.push_back(entry);
    system_.codeKeys.push_back(entry.key);
    openEntries_.push_back(self);
    return {};
}

void CatalogParser::buildIndexes() {
    CodeCatalog::System& s = system_;
    const std::size_t entryCount = s.entries.size();

    // Code index.
    std::vector<std::uint32_t> order(entryCount);
    for (std::uint32_t i = 0; i < entryCount; ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::uint32_t a, std::uint32_t b) { return s.codeKeys[a] < s.codeKeys[b]; });
    std::vector<std::uint64_t> keys(entryCount);
    for (std::size_t i = 0; i < entryCount; ++i)
        keys[i] = s.codeKeys[order[i]];
    s.codeKeys = std::move(keys);
    s.codeEntries = std::move(order);

    // Vocabulary in byte order; provisional ids map to their sorted position.
    std::vector<std::string>& words = wordTable_.words();
    std::vector<std::uint32_t> byWord(words.size());
    for (std::uint32_t i = 0; i < byWord.size(); ++i)
        byWord[i] = i;
    std::sort(byWord.begin(), byWord.end(),
              [&](std::uint32_t a, std::uint32_t b) { return words[a] < words[b]; });
    std::vector<std::uint32_t> finalId(words.size());
    s.vocabulary.resize(words.size());
    for (std::uint32_t i = 0; i < byWord.size(); ++i) {
        finalId[byWord[i]] = i;
        s.vocabulary[i] = std::move(words[byWord[i]]);
    }

    // Per entry: the union of its short and long words, under final ids (unique, in no particular order).
    s.entryWordStart.assign(1, 0);
    s.entryWordStart.reserve(entryCount + 1);
    s.entryWords.reserve(longWords_.size() + longWords_.size() / 4);
    for (std::size_t e = 0; e < entryCount; ++e) {
        merged_.clear();
        std::set_union(shortWords_.begin() + shortStart_[e], shortWords_.begin() + shortStart_[e + 1],
                       longWords_.begin() + longStart_[e], longWords_.begin() + longStart_[e + 1],
                       std::back_inserter(merged_));
        for (const std::uint32_t id : merged_)
            s.entryWords.push_back(finalId[id]);
        s.entryWordStart.push_back(std::uint32_t(s.entryWords.size()));
        s.entries[e].wordCount = std::uint32_t(merged_.size());
    }

    // Postings by counting sort; entries are visited in ascending order, so every list is ascending.
    s.postingStart.assign(s.vocabulary.size() + 1, 0);
    for (const std::uint32_t id : s.entryWords)
        ++s.postingStart[id + 1];
    for (std::size_t w = 0; w < s.vocabulary.size(); ++w)
        s.postingStart[w + 1] += s.postingStart[w];
    s.postings.resize(s.entryWords.size());
    std::vector<std::uint32_t> fill(s.postingStart.begin(), s.postingStart.end() - 1);
    for (std::uint32_t e = 0; e < entryCount; ++e)
        for (std::uint32_t k = s.entryWordStart[e]; k < s.entryWordStart[e + 1]; ++k)
            s.postings[fill[s.entryWords[k]]++] = e;
}

QString CatalogParser::parse(const QString& expectedSystem) {
    std::size_t groupCount = 0, entryCount = 0;
    if (QString error = parseHeader(expectedSystem, &groupCount, &entryCount); !error.isEmpty())
        return error;
    system_.groups.reserve(groupCount);
    system_.entries.reserve(entryCount);
    system_.codeKeys.reserve(entryCount);
    shortStart_.reserve(entryCount + 1);
    longStart_.reserve(entryCount + 1);
    std::string_view line;
    while (nextLine(&line)) {
        QString error;
        if (!line.empty() && line[0] == '@' && system_.groups.empty() && system_.entries.empty())
            continue; // a header line this version does not use
        if (!line.empty() && line[0] == 'G') {
            if (!system_.entries.empty())
                return fail(QStringLiteral("a group row after the code rows"));
            error = parseGroup(line);
        } else {
            error = parseEntry(line);
        }
        if (!error.isEmpty())
            return error;
    }
    if (system_.groups.size() != groupCount || system_.entries.size() != entryCount)
        return QStringLiteral("%1 groups and %2 codes, the header announces %3 and %4 (truncated file?)")
            .arg(system_.groups.size())
            .arg(system_.entries.size())
            .arg(groupCount)
            .arg(entryCount);
    buildIndexes();
    return {};
}

QString readCatalogText(const QString& path, QByteArray* text) {
    QFile file(path);
    if (!file.exists())
        return QStringLiteral("catalog file not found: %1").arg(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
    const QByteArray packed = file.readAll();
    if (packed.size() < 5)
        return QStringLiteral("%1: not a catalog file (too short)").arg(path);
    const auto* bytes = reinterpret_cast<const unsigned char*>(packed.constData());
    const quint32 expected =
        (quint32(bytes[0]) << 24) | (quint32(bytes[1]) << 16) | (quint32(bytes[2]) << 8) | bytes[3];
    if (expected == 0 || expected > kMaxTextBytes)
        return QStringLiteral("%1: not a catalog file (implausible length %2)").arg(path).arg(expected);
    *text = qUncompress(packed);
    if (text->size() != qsizetype(expected))
        return QStringLiteral("%1: corrupt or truncated compressed data").arg(path);
    return {};
}

} // namespace

std::shared_ptr<const CodeCatalog> CodeCatalog::load(const QString& directory, const QStringList& systems,
                                                     QString* error) {
    const QStringList wanted = systems.isEmpty() ? knownSystems() : systems;
    for (const QString& id : wanted) {
        if (!knownSystems().contains(id)) {
            if (error)
                *error = QStringLiteral("unknown code system '%1' (known: %2)")
                             .arg(id, knownSystems().join(QStringLiteral(", ")));
            return nullptr;
        }
    }
    std::shared_ptr<CodeCatalog> catalog(new CodeCatalog);
    for (const QString& id : knownSystems()) {
        if (wanted.contains(id)) {
            catalog->systems_.push_back(std::make_unique<System>());
            catalog->systems_.back()->id = id;
        }
    }
    // One thread per system (the two big ones dominate); each thread touches only its own System.
    std::vector<QString> problems(catalog->systems_.size());
    const auto loadOne = [&](std::size_t i) {
        System& system = *catalog->systems_[i];
        const QString path = QDir(directory).absoluteFilePath(system.id + QStringLiteral(".tsv.qz"));
        problems[i] = readCatalogText(path, &system.text);
        if (problems[i].isEmpty()) {
            const QString problem = CatalogParser(system).parse(system.id);
            if (!problem.isEmpty())
                problems[i] = path + QStringLiteral(": ") + problem;
        }
    };
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < catalog->systems_.size(); ++i)
        threads.emplace_back(loadOne, i);
    if (!catalog->systems_.empty())
        loadOne(0);
    for (std::thread& thread : threads)
        thread.join();
    for (const QString& problem : problems) {
        if (!problem.isEmpty()) {
            if (error)
                *error = problem;
            return nullptr;
        }
    }
    return catalog;
}

} // namespace fc
