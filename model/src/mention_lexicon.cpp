// MentionLexicon (mention_lexicon.h): building, matching, the lexicon file.
#include "fc/model/mention_lexicon.h"

#include "atomic_file.h"
#include "fc/model/errors.h"
#include "fc/model/unicode.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <tuple>

namespace fc {

namespace {

constexpr const char* kFormatLine = "# fusioncoder-lexicon 1";
// Phrases longer than this many keys are not entries: a mention is a few words, and the matcher's work grows
// with the longest entry.
constexpr std::size_t kMaxKeys = 12;

std::string joinKeys(const std::vector<LexiconKey>& keys, std::size_t first, std::size_t last) {
    std::string joined;
    for (std::size_t k = first; k <= last; ++k) {
        if (k > first)
            joined += ' ';
        joined += keys[k].key;
    }
    return joined;
}

// The key of a term: its normalised words joined by spaces; a term is not negated by its own words.
std::string termKey(const std::string& term, const LexiconOptions& options) {
    LexiconOptions plain = options;
    plain.negation = false;
    const auto keys = lexiconKeys(decodeUtf8(term), plain);
    if (keys.empty() || keys.size() > kMaxKeys)
        return {};
    return joinKeys(keys, 0, keys.size() - 1);
}

std::string clean(std::string text) {
    for (auto& c : text)
        if (c == '\t' || c == '\n' || c == '\r')
            c = ' ';
    return text;
}

// Calls found(first key, last key, negated, entries) for every entry matching the keys, phrases may overlap.
// A phrase starts at the first key and ends at the last key of a token (an abbreviation's expansion is
// matched whole or not at all).
template <typename Found>
void matchKeys(const std::vector<LexiconKey>& keys,
               const std::unordered_map<std::string, std::vector<std::uint32_t>>& byKey,
               const std::unordered_set<std::string>& prefixes, std::size_t longest, Found found) {
    for (std::size_t s = 0; s < keys.size(); ++s) {
        if (s > 0 && keys[s - 1].token == keys[s].token)
            continue;
        std::string phrase;
        for (std::size_t e = s; e < keys.size() && e - s < longest; ++e) {
            if (e > s)
                phrase += ' ';
            phrase += keys[e].key;
            if (prefixes.count(phrase) == 0)
                break;
            if (e + 1 < keys.size() && keys[e + 1].token == keys[e].token)
                continue;
            const auto it = byKey.find(phrase);
            if (it == byKey.end())
                continue;
            bool negated = false;
            for (std::size_t k = s; k <= e; ++k)
                if (keys[k].negated && (keys[k].cue < static_cast<std::int64_t>(keys[s].token) ||
                                        keys[k].cue > static_cast<std::int64_t>(keys[e].token)))
                    negated = true;
            found(s, e, negated, it->second);
        }
    }
}

std::string optionsLine(const LexiconOptions& o) {
    std::ostringstream line;
    line << "# language=" << o.language << " normalise=" << (o.normalise ? 1 : 0)
         << " abbreviations=" << (o.abbreviations ? 1 : 0) << " negation=" << (o.negation ? 1 : 0)
         << " negated_factor=" << o.negatedFactor << " scope=" << o.negationScope;
    if (o.combine != "max") // files of the default stay as they were
        line << " combine=" << o.combine;
    return line.str();
}

LexiconOptions parseOptions(const std::string& line, const std::string& where) {
    if (line.rfind("# ", 0) != 0)
        throw ModelError(where + ": expected the options line");
    LexiconOptions o;
    std::istringstream in(line.substr(2));
    std::string item;
    std::set<std::string> seen;
    while (in >> item) {
        const auto eq = item.find('=');
        if (eq == std::string::npos)
            throw ModelError(where + ": '" + item + "' is not name=value");
        const std::string name = item.substr(0, eq), value = item.substr(eq + 1);
        seen.insert(name);
        try {
            if (name == "language")
                o.language = value;
            else if (name == "normalise")
                o.normalise = value == "1";
            else if (name == "abbreviations")
                o.abbreviations = value == "1";
            else if (name == "negation")
                o.negation = value == "1";
            else if (name == "negated_factor")
                o.negatedFactor = std::stof(value);
            else if (name == "scope")
                o.negationScope = std::stoi(value);
            else if (name == "combine")
                o.combine = value;
            else
                throw ModelError(where + ": unknown option '" + name + "'");
        } catch (const std::logic_error&) {
            throw ModelError(where + ": bad value for " + name);
        }
    }
    if (seen.size() - seen.count("combine") != 6)
        throw ModelError(where + ": the options line needs language, normalise, abbreviations, negation, "
                                 "negated_factor and scope");
    if (o.language != "es" && o.language != "en")
        throw ModelError(where + ": language must be es or en");
    if (o.combine != "max" && o.combine != "noisy-or")
        throw ModelError(where + ": combine must be max or noisy-or");
    if (!(o.negatedFactor >= 0.0f && o.negatedFactor <= 1.0f) || o.negationScope < 1 || o.negationScope > 100)
        throw ModelError(where + ": negated_factor must be in [0, 1] and scope in 1..100");
    return o;
}

} // namespace

void MentionLexicon::index() {
    m_byKey.clear();
    m_prefixes.clear();
    m_longest = 0;
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
        const auto key = termKey(m_entries[i].term, m_options);
        if (key.empty())
            continue;
        m_byKey[key].push_back(static_cast<std::uint32_t>(i));
        std::size_t words = 1;
        for (std::size_t p = key.find(' '); p != std::string::npos; p = key.find(' ', p + 1), ++words)
            m_prefixes.insert(key.substr(0, p));
        m_prefixes.insert(key);
        m_longest = std::max(m_longest, words);
    }
    m_entryLabel.assign(m_entries.size(), -1);
}

MentionLexicon MentionLexicon::build(const std::vector<LexiconEntry>& terms,
                                     const std::vector<Document>& train, const LexiconOptions& options) {
    MentionLexicon lexicon;
    lexicon.m_options = options;
    struct Forms {
        std::map<std::string, std::size_t> count; // term as written -> times seen
        std::string source;
    };
    std::map<std::pair<std::string, std::string>, Forms> grouped; // (key, code)
    for (const auto& term : terms) {
        const std::string written = clean(term.term);
        const auto key = termKey(written, options);
        if (key.empty() || term.code.empty())
            continue;
        auto& forms = grouped[{key, term.code}];
        ++forms.count[written];
        // The strongest source names the entry: a coder's evidence, then a description, then other terms.
        const auto rank = [](const std::string& s) {
            return s == "evidence" ? 0 : s == "description" ? 1 : 2;
        };
        if (forms.source.empty() || rank(term.source) < rank(forms.source))
            forms.source = term.source;
    }
    for (const auto& [keyCode, forms] : grouped) {
        LexiconEntry entry;
        entry.code = keyCode.second;
        entry.source = forms.source;
        std::size_t best = 0;
        for (const auto& [written, count] : forms.count)
            if (count > best) { // ties: the first in byte order
                best = count;
                entry.term = written;
            }
        lexicon.m_entries.push_back(std::move(entry));
    }
    lexicon.index();
    // Weights: per entry, the training notes it matches (not negated) and those of them coded with its code.
    for (const auto& document : train) {
        const auto keys = lexiconKeys(decodeUtf8(document.text), options);
        std::set<std::uint32_t> matched;
        matchKeys(keys, lexicon.m_byKey, lexicon.m_prefixes, lexicon.m_longest,
                  [&](std::size_t, std::size_t, bool negated, const std::vector<std::uint32_t>& entries) {
                      if (!negated)
                          matched.insert(entries.begin(), entries.end());
                  });
        const std::set<std::string> codes(document.codes.begin(), document.codes.end());
        for (const auto e : matched) {
            auto& entry = lexicon.m_entries[e];
            ++entry.matched;
            if (codes.count(entry.code) > 0)
                ++entry.coded;
        }
    }
    return lexicon;
}

void MentionLexicon::save(const std::string& path) const {
    std::string text = std::string(kFormatLine) + "\n" + optionsLine(m_options) + "\n";
    for (const auto& e : m_entries)
        text += e.code + '\t' + e.term + '\t' + e.source + '\t' + std::to_string(e.matched) + '\t' +
                std::to_string(e.coded) + '\n';
    try {
        AtomicFile file(path);
        file.stream() << text;
        file.commit();
    } catch (const std::runtime_error& e) {
        throw ModelError(path + ": cannot write: " + e.what());
    }
}

MentionLexicon MentionLexicon::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ModelError(path + ": missing or unreadable");
    MentionLexicon lexicon;
    std::string line;
    std::size_t number = 0;
    const auto where = [&] { return path + ":" + std::to_string(number); };
    if (!std::getline(in, line) || (++number, line != kFormatLine))
        throw ModelError(path + ":1: not a fusioncoder lexicon (expected '" + kFormatLine + "')");
    if (!std::getline(in, line))
        throw ModelError(path + ":2: the options line is missing");
    ++number;
    lexicon.m_options = parseOptions(line, where());
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty())
            continue;
        std::vector<std::string> fields;
        std::size_t from = 0;
        for (std::size_t tab = line.find('\t'); tab != std::string::npos; tab = line.find('\t', from)) {
            fields.push_back(line.substr(from, tab - from));
            from = tab + 1;
        }
        fields.push_back(line.substr(from));
        if (fields.size() != 5 || fields[0].empty() || fields[1].empty())
            throw ModelError(where() + ": expected code<TAB>term<TAB>source<TAB>matched<TAB>coded");
        if (!isValidUtf8(line))
            throw ModelError(where() + ": not valid UTF-8");
        LexiconEntry entry{fields[0], fields[1], fields[2], 0, 0};
        try {
            std::size_t used = 0;
            const auto matched = std::stoul(fields[3], &used);
            if (used != fields[3].size())
                throw std::invalid_argument("matched");
            const auto coded = std::stoul(fields[4], &used);
            if (used != fields[4].size() || coded > matched || matched > 0xffffffffUL)
                throw std::invalid_argument("coded");
            entry.matched = static_cast<std::uint32_t>(matched);
            entry.coded = static_cast<std::uint32_t>(coded);
        } catch (const std::logic_error&) {
            throw ModelError(where() + ": matched and coded must be counts with coded <= matched");
        }
        lexicon.m_entries.push_back(std::move(entry));
    }
    lexicon.index();
    return lexicon;
}

void MentionLexicon::bind(const std::vector<std::string>& labels) {
    std::unordered_map<std::string, std::int64_t> indexOf;
    for (std::size_t y = 0; y < labels.size(); ++y)
        indexOf.emplace(labels[y], static_cast<std::int64_t>(y));
    m_labels = labels.size();
    m_entryLabel.assign(m_entries.size(), -1);
    for (std::size_t e = 0; e < m_entries.size(); ++e)
        if (const auto it = indexOf.find(m_entries[e].code); it != indexOf.end())
            m_entryLabel[e] = it->second;
}

std::vector<LexiconHit> MentionLexicon::hits(std::string_view utf8Text) const {
    const auto keys = lexiconKeys(decodeUtf8(utf8Text), m_options);
    // (begin, end, label) -> (weight, entry)
    std::map<std::tuple<std::int64_t, std::int64_t, std::size_t>, std::pair<float, std::uint32_t>> best;
    matchKeys(keys, m_byKey, m_prefixes, m_longest,
              [&](std::size_t s, std::size_t e, bool negated, const std::vector<std::uint32_t>& entries) {
                  const float factor = negated ? m_options.negatedFactor : 1.0f;
                  for (const auto i : entries) {
                      const auto label = m_entryLabel[i];
                      const float weight = factor * m_entries[i].weight();
                      if (label < 0 || !(weight > 0.0f))
                          continue;
                      auto& slot = best[{keys[s].begin, keys[e].end, static_cast<std::size_t>(label)}];
                      if (weight > slot.first)
                          slot = {weight, i};
                  }
              });
    std::vector<LexiconHit> result;
    result.reserve(best.size());
    for (const auto& [where, found] : best)
        result.push_back(
            {std::get<2>(where), std::get<0>(where), std::get<1>(where), found.first, found.second});
    return result;
}

std::vector<float> MentionLexicon::scores(const std::vector<LexiconHit>& hits) const {
    std::vector<float> result(m_labels, 0.0f);
    if (m_options.combine == "noisy-or") {
        std::map<std::pair<std::size_t, std::uint32_t>, float> strongest; // (label, entry) -> weight
        for (const auto& hit : hits)
            if (hit.label < m_labels) {
                auto& w = strongest[{hit.label, hit.entry}];
                w = std::max(w, hit.weight);
            }
        std::vector<float> missed(m_labels, 1.0f);
        for (const auto& [labelEntry, weight] : strongest)
            missed[labelEntry.first] *= 1.0f - std::min(1.0f, weight);
        for (std::size_t y = 0; y < m_labels; ++y)
            result[y] = 1.0f - missed[y];
        return result;
    }
    for (const auto& hit : hits)
        if (hit.label < m_labels)
            result[hit.label] = std::min(1.0f, std::max(result[hit.label], hit.weight));
    return result;
}

} // namespace fc
