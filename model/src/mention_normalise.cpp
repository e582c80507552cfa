// lexiconKeys (mention_lexicon.h): normalisation, abbreviations and negation scopes of a note's tokens.
#include "fc/model/mention_lexicon.h"

#include "fc/model/tokenizer.h"
#include "fc/model/unicode.h"

#include <algorithm>
#include <map>
#include <set>

namespace fc {

namespace {

// Accents folded on lower-case Latin letters; ñ stays (Spanish "año" and "ano" are different words).
char32_t foldAccent(char32_t c) {
    switch (c) {
    case U'à':
    case U'á':
    case U'â':
    case U'ä':
    case U'ã':
    case U'å':
        return U'a';
    case U'è':
    case U'é':
    case U'ê':
    case U'ë':
        return U'e';
    case U'ì':
    case U'í':
    case U'î':
    case U'ï':
        return U'i';
    case U'ò':
    case U'ó':
    case U'ô':
    case U'ö':
    case U'õ':
        return U'o';
    case U'ù':
    case U'ú':
    case U'û':
    case U'ü':
        return U'u';
    case U'ç':
        return U'c';
    case U'ý':
    case U'ÿ':
        return U'y';
    default:
        return c;
    }
}

bool endsWith(const std::string& s, const char* suffix) {
    const std::string t(suffix);
    return s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0;
}

// Spanish: plural "-es" after l, n, r, d, s, z, j ("lesiones", "tumores"), else plural "-s"; then a final
// gender vowel of a word of more than four letters ("crónica", "crónico" -> "cronic"). Applied to entries
// and notes alike, so it only has to be consistent, not linguistically right.
std::string stemSpanish(std::string w) {
    if (w.size() > 4 && endsWith(w, "es") &&
        std::string("lnrdszj").find(w[w.size() - 3]) != std::string::npos)
        w.resize(w.size() - 2);
    else if (w.size() > 3 && w.back() == 's' && !endsWith(w, "ss"))
        w.pop_back();
    if (w.size() > 4 && (w.back() == 'a' || w.back() == 'o' || w.back() == 'e'))
        w.pop_back();
    return w;
}

// English plurals: "-ies" -> "-y", "-es" after s, x, z, ch, sh, else "-s" (not "-ss", "-us", "-is").
std::string stemEnglish(std::string w) {
    if (w.size() > 4 && endsWith(w, "ies")) {
        w.resize(w.size() - 3);
        return w + "y";
    }
    if (w.size() > 4 && (endsWith(w, "sses") || endsWith(w, "xes") || endsWith(w, "zes") ||
                         endsWith(w, "ches") || endsWith(w, "shes"))) {
        w.resize(w.size() - 2);
        return w;
    }
    if (w.size() > 3 && w.back() == 's' && !endsWith(w, "ss") && !endsWith(w, "us") && !endsWith(w, "is"))
        w.pop_back();
    return w;
}

const std::set<std::string>& functionWords(const std::string& language) {
    static const std::set<std::string> es{"de", "del", "la",  "el",  "los", "las",  "en", "y",
                                          "e",  "a",   "al",  "un",  "una", "o",    "u",  "se",
                                          "su", "sus", "que", "con", "por", "para", "lo"};
    static const std::set<std::string> en{"of",  "the", "a",  "an", "and",  "in", "on", "with", "to",
                                          "for", "by",  "or", "at", "from", "as", "is", "was"};
    return language == "en" ? en : es;
}

// Abbreviations coders read in CodiEsp notes, each one that the train evidence mentions use for a code
// (docs/MODELS.md "Mention lexicon" gives the counts), expanded to the words the full mentions use. Only
// upper-case tokens are expanded ("fa" in lower case is not atrial fibrillation).
const std::map<std::string, std::string>& abbreviationTable(const std::string& language) {
    static const std::map<std::string, std::string> es{
        {"hta", "hipertension arterial"},
        {"tac", "tomografia computarizada"},
        {"tc", "tomografia computarizada"},
        {"rmn", "resonancia magnetica"},
        {"rm", "resonancia magnetica"},
        {"rnm", "resonancia magnetica"},
        {"vih", "virus inmunodeficiencia humana"},
        {"ecg", "electrocardiograma"},
        {"eeg", "electroencefalograma"},
        {"emg", "electromiograma"},
        {"vhc", "virus hepatitis c"},
        {"vhb", "virus hepatitis b"},
        {"cmv", "citomegalovirus"},
        {"epoc", "enfermedad pulmonar obstructiva cronica"},
        {"iam", "infarto agudo miocardio"},
        {"dm", "diabetes mellitus"},
        {"erc", "enfermedad renal cronica"},
        {"irc", "insuficiencia renal cronica"},
        {"hsa", "hemorragia subaracnoidea"},
        {"hsd", "hematoma subdural"},
        {"tbc", "tuberculosis"},
        {"fa", "fibrilacion auricular"},
        {"ela", "esclerosis lateral amiotrofica"},
        {"tce", "traumatismo craneoencefalico"},
        {"itu", "infeccion tracto urinario"},
        {"tep", "tromboembolismo pulmonar"},
        {"tvp", "trombosis venosa profunda"},
        {"hdb", "hemorragia digestiva baja"},
        {"hda", "hemorragia digestiva alta"},
        {"paaf", "puncion aspiracion aguja fina"},
        {"rtu", "reseccion transuretral"},
        {"mav", "malformacion arteriovenosa"},
        {"eii", "enfermedad inflamatoria intestinal"},
        {"rx", "radiografia"},
    };
    static const std::map<std::string, std::string> en{
        {"htn", "hypertension"},
        {"dm", "diabetes mellitus"},
        {"copd", "chronic obstructive pulmonary disease"},
        {"mi", "myocardial infarction"},
        {"ami", "acute myocardial infarction"},
        {"chf", "congestive heart failure"},
        {"ckd", "chronic kidney disease"},
        {"uti", "urinary tract infection"},
        {"cad", "coronary artery disease"},
        {"dvt", "deep vein thrombosis"},
        {"hiv", "human immunodeficiency virus"},
        {"ct", "computed tomography"},
        {"mri", "magnetic resonance imaging"},
        {"ecg", "electrocardiogram"},
        {"ekg", "electrocardiogram"},
        {"eeg", "electroencephalogram"},
        {"tb", "tuberculosis"},
        {"af", "atrial fibrillation"},
        {"afib", "atrial fibrillation"},
        {"cmv", "cytomegalovirus"},
        {"hcv", "hepatitis c virus"},
        {"hbv", "hepatitis b virus"},
    };
    return language == "en" ? en : es;
}

// Negation cues, accent-folded: one or two words; "before" cues negate the tokens after them, "after" cues
// the tokens before them. Termination words end a scope like a full stop.
struct Cues {
    std::set<std::string> before, beforePairs, after, afterPairs, terminators;
};

const Cues& negationCues(const std::string& language) {
    static const Cues es{{"no", "sin", "niega", "niegan", "negaba", "negando", "descarta", "descartan",
                          "descarto", "descartar", "descartandose", "descartando", "ni", "tampoco",
                          "ausencia"},
                         {"negativo para", "negativa para", "negativos para", "negativas para", "libre de"},
                         {"descartado", "descartada", "descartados", "descartadas", "ausente", "ausentes"},
                         {},
                         {"pero", "aunque", "salvo", "excepto", "sino"}};
    static const Cues en{
        {"no", "not", "without", "denies", "denied", "deny", "denying", "nor", "neither", "absence"},
        {"negative for", "ruled out", "free of"},
        {"excluded", "absent"},
        {"ruled out", "was excluded"},
        {"but", "however", "although", "though", "except"}};
    return language == "en" ? en : es;
}

std::string fold(const std::string& lowered) {
    std::string out;
    for (const char32_t c : decodeUtf8(lowered))
        appendUtf8(foldAccent(c), out);
    return out;
}

bool isUpperCaseToken(std::u32string_view text, const Token& token) {
    bool upper = false;
    for (auto i = token.begin; i < token.end; ++i) {
        const char32_t c = text[static_cast<std::size_t>(i)];
        if (toLower(c) != c)
            upper = true;
        else if (!(c >= U'0' && c <= U'9'))
            return false;
    }
    return upper;
}

// A clause ends between two tokens when the text between them has . ; : ? ! or a line break.
bool clauseBreak(std::u32string_view text, std::int64_t from, std::int64_t to) {
    for (auto i = from; i < to; ++i) {
        const char32_t c = text[static_cast<std::size_t>(i)];
        if (c == U'.' || c == U';' || c == U':' || c == U'?' || c == U'!' || c == U'\n' || c == U'\r')
            return true;
    }
    return false;
}

// Per token, the index of the cue that negates it (-1: none).
std::vector<std::int64_t> negationScopes(std::u32string_view text, const std::vector<Token>& tokens,
                                         const std::vector<std::string>& folded,
                                         const LexiconOptions& options) {
    const auto& cues = negationCues(options.language);
    const auto n = static_cast<std::int64_t>(tokens.size());
    std::vector<std::int64_t> cueOf(tokens.size(), -1);
    const auto pair = [&](std::int64_t i) {
        return i + 1 < n ? folded[static_cast<std::size_t>(i)] + " " + folded[static_cast<std::size_t>(i + 1)]
                         : std::string();
    };
    const auto at = [&](std::int64_t i) -> const std::string& { return folded[static_cast<std::size_t>(i)]; };
    for (std::int64_t i = 0; i < n; ++i) {
        std::int64_t cueEnd = -1; // last token of a "before" cue at i
        if (cues.beforePairs.count(pair(i)) > 0 && !clauseBreak(text, tokens[i].end, tokens[i + 1].begin))
            cueEnd = i + 1;
        else if (cues.before.count(at(i)) > 0)
            cueEnd = i;
        if (cueEnd >= 0) {
            for (std::int64_t j = cueEnd + 1; j < n && j <= cueEnd + options.negationScope; ++j) {
                if (clauseBreak(text, tokens[static_cast<std::size_t>(j - 1)].end,
                                tokens[static_cast<std::size_t>(j)].begin) ||
                    cues.terminators.count(at(j)) > 0)
                    break;
                if (cueOf[static_cast<std::size_t>(j)] < 0)
                    cueOf[static_cast<std::size_t>(j)] = i;
            }
        }
        std::int64_t cueBegin = -1; // first token of an "after" cue ending at i
        if (i > 0 && cues.afterPairs.count(pair(i - 1)) > 0)
            cueBegin = i - 1;
        else if (cues.after.count(at(i)) > 0)
            cueBegin = i;
        if (cueBegin >= 0) {
            for (std::int64_t j = cueBegin - 1; j >= 0 && j >= cueBegin - options.negationScope; --j) {
                if (clauseBreak(text, tokens[static_cast<std::size_t>(j)].end,
                                tokens[static_cast<std::size_t>(j + 1)].begin) ||
                    cues.terminators.count(at(j)) > 0)
                    break;
                if (cueOf[static_cast<std::size_t>(j)] < 0)
                    cueOf[static_cast<std::size_t>(j)] = cueBegin;
            }
        }
    }
    return cueOf;
}

} // namespace

std::vector<LexiconKey> lexiconKeys(std::u32string_view text, const LexiconOptions& options) {
    const auto tokens = tokenize(text);
    std::vector<std::string> folded;
    folded.reserve(tokens.size());
    for (const auto& token : tokens)
        folded.push_back(fold(token.text));
    std::vector<std::int64_t> cueOf(tokens.size(), -1);
    if (options.negation)
        cueOf = negationScopes(text, tokens, folded, options);
    const auto& function = functionWords(options.language);
    const auto& table = abbreviationTable(options.language);
    const auto stem = [&](const std::string& w) {
        return options.language == "en" ? stemEnglish(w) : stemSpanish(w);
    };
    std::vector<LexiconKey> keys;
    keys.reserve(tokens.size());
    for (std::size_t t = 0; t < tokens.size(); ++t) {
        const auto& token = tokens[t];
        LexiconKey key{std::string(), t, token.begin, token.end, cueOf[t] >= 0, cueOf[t]};
        if (options.abbreviations) {
            const auto it = table.find(folded[t]);
            if (it != table.end() && isUpperCaseToken(text, token)) {
                std::size_t from = 0;
                const std::string& words = it->second; // already folded and lower case
                while (from <= words.size()) {
                    auto space = words.find(' ', from);
                    if (space == std::string::npos)
                        space = words.size();
                    const std::string word = words.substr(from, space - from);
                    if (!options.normalise)
                        key.key = word;
                    else if (function.count(word) == 0)
                        key.key = stem(word);
                    else
                        key.key.clear();
                    if (!key.key.empty())
                        keys.push_back(key);
                    from = space + 1;
                }
                continue;
            }
        }
        if (!options.normalise) {
            key.key = token.text;
        } else {
            if (function.count(folded[t]) > 0)
                continue;
            key.key = stem(folded[t]);
        }
        keys.push_back(std::move(key));
    }
    return keys;
}

} // namespace fc
