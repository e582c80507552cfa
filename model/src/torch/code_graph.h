#pragma once
// The code hierarchy as a graph over a model's labels and their ancestors, for MSATT-KG's graph convolution
// (msatt_kg.h). Built deterministically from the label codes themselves, so a model directory needs no
// hierarchy file and the same labels always give the same graph:
//
//   ICD-10-CM  "N39.0" -> category "N39" (the part before the dot) -> chapter (the 22 chapter ranges of
//              icd10cm_hierarchy_2026, e.g. N00-N99 = chapter 14) -> root "ICD-10-CM"
//   ICD-10-PCS "0DTJ0ZZ" -> table "0DT" -> body system "0D" -> section "0" -> root "ICD-10-PCS"
//              (the axes of icd10pcs_tables_2020)
//   ICD-9-CM   "428.0" -> category "428" -> chapter (the 19 ranges of the ICD-9-CM tabular list, V and E
//              included) -> root "ICD-9-CM"
//   ICD-9-PCS  "39.61" -> category "39" -> root "ICD-9-PCS"
//   other      -> root "other"
// A label that is itself a category ("R52") joins the chain at its category; a label equal to another
// label's ancestor (up to case) is that ancestor's node. docs/MODELS.md has the check of these rules
// against the files in /work/shared/data.
#include <cstdint>
#include <string>
#include <vector>

namespace fc::net {

// Ancestor node names of one code, nearest first, ending with the system's root; codes are compared
// case-insensitively (names are upper case). icd10Context as labelSystem().
std::vector<std::string> codeAncestors(const std::string& code, bool icd10Context);

// The undirected hierarchy graph with self loops, normalised as in Kipf & Welling's GCN:
// weight(i, j) = 1 / sqrt(deg(i) deg(j)) over (A + I). Nodes: the labels first, in label order (node y is
// label y), then the ancestors in sorted order. Edges are listed in both directions.
struct CodeGraph {
    std::vector<std::string> nodes;
    std::vector<std::int64_t> from;
    std::vector<std::int64_t> to;
    std::vector<float> weight;
};
CodeGraph codeHierarchyGraph(const std::vector<std::string>& labels);

} // namespace fc::net
