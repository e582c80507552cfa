#include "torch/jointlaat.h"
#include "torch/network_defaults.h"
#include "torch/random_embedding.h"

#include "fc/model/errors.h"
#include "torch/laat.h"

#include <algorithm>
#include <map>

namespace fc::net {

std::string jointLaatParent(const std::string& code, bool icd10Context) {
    const auto dot = code.find('.');
    if (dot != std::string::npos && dot > 0)
        return code.substr(0, dot);
    if (labelSystem(code, icd10Context) == "icd-10-pcs")
        return code.substr(0, 3);
    return code.size() > 3 ? code.substr(0, 3) : code;
}

LabelHierarchy jointLaatHierarchy(const std::vector<std::string>& labels) {
    // ICD-10 context as modelfiles' labelSystems(): any label that reads as ICD-10 makes V-codes ICD-10.
    bool icd10 = false;
    for (const auto& code : labels) {
        const auto system = labelSystem(code, false);
        icd10 = icd10 || system == "icd-10-cm" || system == "icd-10-pcs";
    }
    std::map<std::string, std::int64_t> index;
    std::vector<std::string> parentOfLabel;
    for (const auto& code : labels) {
        parentOfLabel.push_back(jointLaatParent(code, icd10));
        index.emplace(parentOfLabel.back(), 0);
    }
    LabelHierarchy h;
    for (auto& [parent, i] : index) {
        i = static_cast<std::int64_t>(h.parents.size());
        h.parents.push_back(parent);
    }
    for (const auto& parent : parentOfLabel)
        h.parentOf.push_back(index.at(parent));
    return h;
}

namespace {

constexpr std::int64_t kPaperHidden = 256;          // u, MIMIC-III-50 (docs/MODELS.md)
constexpr std::int64_t kPaperAttentionDim = 256;    // d_a, MIMIC-III-50
constexpr std::int64_t kPaperLevelProjection = 128; // authors' --level_projection_size

class LaatNetwork final : public Network {
public:
    explicit LaatNetwork(const ModelConfig& c) : Network(c), m_net(options(c, levels(c))) {
        torch::NoGradGuard noGrad;
        // The harness's random embedding (random unit rows, PAD row zero), as for Fusion and the baselines;
        // the authors load word2vec vectors, which `train --embeddings` provides.
        m_net->embedding->embeddings->weight.copy_(randomUnitRows(m_net->embedding->embeddings->weight));
        if (c.arch == "jointlaat") {
            const auto labels = static_cast<std::int64_t>(c.labels.size());
            m_childToParent = torch::zeros({labels, static_cast<std::int64_t>(m_hierarchy.parents.size())});
            for (std::int64_t y = 0; y < labels; ++y)
                m_childToParent[y][m_hierarchy.parentOf[static_cast<std::size_t>(y)]] = 1.0f;
        }
    }
    NetworkOutput forward(const torch::Tensor& ids, bool) override {
        auto out = m_net->forward(ids);
        if (out.logits.size() > 1 && m_net->is_training())
            m_parentLogits = out.logits.front();
        return {out.logits.back(), out.attention.back(), {}, {}, {}};
    }
    // JointLAAT's loss is (Y_0 L_0 + Y_1 L_1) / (Y_0 + Y_1) with L_l the mean BCE of level l (authors'
    // get_loss). The trainer already adds L_1, so this returns (Y_0 / Y_1) L_0: the sum is the authors' loss
    // times the constant (Y_0 + Y_1) / Y_1. A parent is positive when any of its codes is.
    torch::Tensor auxiliaryLoss(const torch::Tensor& targets) override {
        if (!m_parentLogits.defined())
            return torch::zeros({});
        const auto parentTargets = torch::matmul(targets.to(torch::kFloat32), m_childToParent).clamp_max(1.0);
        const double ratio =
            static_cast<double>(m_childToParent.size(1)) / static_cast<double>(m_childToParent.size(0));
        auto loss =
            ratio * torch::nn::functional::binary_cross_entropy_with_logits(m_parentLogits, parentTargets);
        m_parentLogits = torch::Tensor();
        return loss;
    }
    torch::nn::Module& module() override { return *m_net; }
    const torch::nn::Module& module() const override { return *m_net; }
    PositionGeometry geometry() const override { return {1, 0}; }

private:
    std::vector<std::int64_t> levels(const ModelConfig& c) {
        const auto labels = static_cast<std::int64_t>(c.labels.size());
        if (c.arch != "jointlaat")
            return {labels};
        m_hierarchy = jointLaatHierarchy(c.labels);
        return {static_cast<std::int64_t>(m_hierarchy.parents.size()), labels};
    }
    static LaatOptions options(const ModelConfig& c, std::vector<std::int64_t> levels) {
        const auto& n = c.options;
        return LaatOptions(c.vocabularySize + 2, std::move(levels))
            .embedding_dim(n.embeddingDim)
            .hidden(orDefault(n.rnnHidden, kPaperHidden))
            .attention_dim(orDefault(n.attentionDim, kPaperAttentionDim))
            .level_projection(orDefault(n.levelProjection, kPaperLevelProjection))
            .dropout(n.dropout);
    }

    LabelHierarchy m_hierarchy; // JointLAAT only; filled by levels() before m_net is built
    Laat m_net;
    torch::Tensor m_childToParent; // [Y, Y_parents] one-hot rows
    torch::Tensor m_parentLogits;  // of the last train-mode forward
};

} // namespace

std::unique_ptr<Network> makeLaatNetwork(const ModelConfig& config) {
    if (config.arch != "laat" && config.arch != "jointlaat")
        throw ModelError("makeLaatNetwork: not a LAAT architecture '" + config.arch + "'");
    return std::make_unique<LaatNetwork>(config);
}

} // namespace fc::net
