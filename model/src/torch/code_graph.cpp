#include "torch/code_graph.h"

#include "fc/model/modelfiles.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <utility>

namespace fc::net {

namespace {

struct Range {
    const char* first;
    const char* last;
    const char* chapter;
};

// ICD-10-CM chapters by category range (icd10cm-chapters-April-1-2026.csv). Categories compare as strings:
// digits sort before letters, so "O9A" falls in O00-O9A and "QA0" in Q00-QA0.
constexpr Range kIcd10CmChapters[] = {
    {"A00", "B99", "1"},  {"C00", "D49", "2"},  {"D50", "D89", "3"},  {"E00", "E89", "4"},
    {"F01", "F99", "5"},  {"G00", "G99", "6"},  {"H00", "H59", "7"},  {"H60", "H95", "8"},
    {"I00", "I99", "9"},  {"J00", "J99", "10"}, {"K00", "K95", "11"}, {"L00", "L99", "12"},
    {"M00", "M99", "13"}, {"N00", "N99", "14"}, {"O00", "O9A", "15"}, {"P00", "P96", "16"},
    {"Q00", "QA0", "17"}, {"R00", "R99", "18"}, {"S00", "T88", "19"}, {"V00", "Y99", "20"},
    {"Z00", "Z99", "21"}, {"U00", "U85", "22"}};

// ICD-9-CM chapters of the tabular list (3-digit categories; V and E codes are the two supplementary
// classifications).
constexpr Range kIcd9CmChapters[] = {
    {"001", "139", "1"},  {"140", "239", "2"},  {"240", "279", "3"},  {"280", "289", "4"},
    {"290", "319", "5"},  {"320", "389", "6"},  {"390", "459", "7"},  {"460", "519", "8"},
    {"520", "579", "9"},  {"580", "629", "10"}, {"630", "679", "11"}, {"680", "709", "12"},
    {"710", "739", "13"}, {"740", "759", "14"}, {"760", "779", "15"}, {"780", "799", "16"},
    {"800", "999", "17"}, {"V00", "V99", "V"},  {"E000", "E999", "E"}};

std::string upper(const std::string& s) {
    std::string out;
    for (const char c : s)
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

template <std::size_t N> std::string chapterOf(const std::string& category, const Range (&table)[N]) {
    for (const auto& r : table) {
        const std::string first = r.first, last = r.last;
        if (category.size() == first.size() && category >= first && category <= last)
            return r.chapter;
    }
    return {};
}

} // namespace

std::vector<std::string> codeAncestors(const std::string& rawCode, bool icd10Context) {
    const std::string code = upper(rawCode);
    const std::string system = labelSystem(code, icd10Context);
    const auto dot = code.find('.');
    const std::string head = code.substr(0, dot);
    std::vector<std::string> chain;
    if (system == "icd-10-pcs") {
        for (const std::size_t len : {std::size_t{3}, std::size_t{2}, std::size_t{1}})
            if (code.size() > len)
                chain.push_back("PCS:" + code.substr(0, len));
        chain.push_back("ICD-10-PCS");
    } else if (system == "icd-10-cm" || system == "icd-9-cm") {
        const bool icd10 = system == "icd-10-cm";
        if (head != code)
            chain.push_back(head);
        const auto chapter = icd10 ? chapterOf(head, kIcd10CmChapters) : chapterOf(head, kIcd9CmChapters);
        if (!chapter.empty())
            chain.push_back(std::string(icd10 ? "ICD-10-CM" : "ICD-9-CM") + " chapter " + chapter);
        chain.push_back(icd10 ? "ICD-10-CM" : "ICD-9-CM");
    } else if (system == "icd-9-pcs") {
        chain.push_back(head);
        chain.push_back("ICD-9-PCS");
    } else {
        chain.push_back("other");
    }
    return chain;
}

CodeGraph codeHierarchyGraph(const std::vector<std::string>& labels) {
    const auto systems = labelSystems(labels);
    bool icd10 = false;
    for (const auto& s : systems)
        icd10 = icd10 || s == "icd-10-cm" || s == "icd-10-pcs";

    CodeGraph g;
    std::map<std::string, std::int64_t> index; // upper-case name -> node
    for (const auto& label : labels) {
        index.emplace(upper(label), static_cast<std::int64_t>(g.nodes.size()));
        g.nodes.push_back(label);
    }
    std::vector<std::vector<std::string>> chains;
    std::set<std::string> ancestors;
    for (const auto& label : labels) {
        chains.push_back(codeAncestors(label, icd10));
        for (const auto& a : chains.back())
            if (!index.count(a))
                ancestors.insert(a);
    }
    for (const auto& a : ancestors) {
        index.emplace(a, static_cast<std::int64_t>(g.nodes.size()));
        g.nodes.push_back(a);
    }
    // Child -> parent links along every chain, de-duplicated; then both directions and self loops.
    std::set<std::pair<std::int64_t, std::int64_t>> links;
    for (std::size_t y = 0; y < labels.size(); ++y) {
        std::int64_t child = index.at(upper(labels[y]));
        for (const auto& a : chains[y]) {
            const auto parent = index.at(a);
            if (parent != child)
                links.emplace(child, parent);
            child = parent;
        }
    }
    const auto n = g.nodes.size();
    std::vector<double> degree(n, 1.0); // the self loop
    std::set<std::pair<std::int64_t, std::int64_t>> edges;
    for (const auto& [a, b] : links) {
        if (edges.emplace(a, b).second) {
            edges.emplace(b, a);
            degree[static_cast<std::size_t>(a)] += 1.0;
            degree[static_cast<std::size_t>(b)] += 1.0;
        }
    }
    for (std::size_t i = 0; i < n; ++i)
        edges.emplace(static_cast<std::int64_t>(i), static_cast<std::int64_t>(i));
    for (const auto& [a, b] : edges) {
        g.from.push_back(a);
        g.to.push_back(b);
        g.weight.push_back(static_cast<float>(
            1.0 / std::sqrt(degree[static_cast<std::size_t>(a)] * degree[static_cast<std::size_t>(b)])));
    }
    return g;
}

} // namespace fc::net
