#pragma once
// LAAT and JointLAAT behind the Network interface (network.h); the module itself is laat.h.
//
// JointLAAT's hierarchy (Vu et al. 2020, section "Hierarchical joint learning"): level 0 holds the codes'
// parents, level 1 the codes. The authors take a MIMIC code's parent as the part before its dot (ICD-9-CM
// "428.0" -> "428", "E849.3" -> "E849"; ICD-9 procedures "39.61" -> "39"). The same rule gives the category
// of an ICD-10-CM code ("n39.0" -> "n39"), the level the ICD-10-CM hierarchy in /work/shared/data lists
// (icd10cm_hierarchy_2026 categories); an ICD-10-PCS code has no dot and its parent is its table, the first
// three characters (section, body system, root operation; icd10pcs_tables_2020). The parent set is derived
// from the model's labels, so a model directory needs no hierarchy file.
#include "torch/network.h"

#include <memory>
#include <string>
#include <vector>

namespace fc::net {

// The parent of one code by the rule above; a code without a dot of at most three characters is its own
// parent.
std::string jointLaatParent(const std::string& code, bool icd10Context);

// Sorted distinct parents of `labels` and, per label, the index of its parent.
struct LabelHierarchy {
    std::vector<std::string> parents;
    std::vector<std::int64_t> parentOf;
};
LabelHierarchy jointLaatHierarchy(const std::vector<std::string>& labels);

// config.arch "laat" or "jointlaat". Options of 0 take the paper's MIMIC-III-50 values (docs/MODELS.md).
std::unique_ptr<Network> makeLaatNetwork(const ModelConfig& config);

} // namespace fc::net
