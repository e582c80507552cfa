// Evidence-supervised label attention loss (evidence_attention_loss.h).
#include "torch/evidence_attention_loss.h"

#include "fc/model/tokenizer.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

namespace fc::trainer {

std::vector<NoteEvidence> evidencePositions(const std::vector<Document>& documents,
                                            const std::vector<EncodedNote>& notes,
                                            const std::vector<std::string>& labels,
                                            std::int64_t tokensPerPosition, std::int64_t maxTokens) {
    std::unordered_map<std::string, std::int32_t> labelIndex;
    for (std::size_t i = 0; i < labels.size(); ++i)
        labelIndex.emplace(labels[i], static_cast<std::int32_t>(i));
    const std::int64_t g = std::max<std::int64_t>(1, tokensPerPosition);
    std::vector<NoteEvidence> out(notes.size());
    for (std::size_t n = 0; n < notes.size(); ++n) {
        const Document& document = documents[notes[n].source];
        if (document.evidence.empty())
            continue;
        const std::vector<Token> tokens = tokenize(document.text);
        const auto kept = std::min<std::int64_t>(static_cast<std::int64_t>(tokens.size()),
                                                 std::max<std::int64_t>(maxTokens, 1));
        std::map<std::int32_t, std::set<std::int64_t>> positions;
        for (const EvidenceAnnotation& span : document.evidence) {
            const auto it = labelIndex.find(span.code);
            if (it == labelIndex.end())
                continue;
            for (std::int64_t t = 0; t < kept; ++t) {
                const Token& token = tokens[static_cast<std::size_t>(t)];
                if (std::max(token.begin, span.begin) < std::min(token.end, span.end))
                    positions[it->second].insert(t / g);
            }
        }
        for (const auto& [label, set] : positions)
            out[n].codes.emplace_back(label, std::vector<std::int64_t>(set.begin(), set.end()));
    }
    return out;
}

torch::Tensor evidenceAttentionLoss(const torch::Tensor& attention,
                                    const std::vector<const NoteEvidence*>& batch) {
    std::vector<std::int64_t> rows, labels, pairOf, positionOf;
    std::int64_t pairs = 0;
    const std::int64_t positions = attention.size(2);
    for (std::size_t b = 0; b < batch.size(); ++b) {
        if (batch[b] == nullptr)
            continue;
        for (const auto& [label, gold] : batch[b]->codes) {
            bool any = false;
            for (const auto p : gold) {
                if (p >= positions)
                    continue;
                pairOf.push_back(pairs);
                positionOf.push_back(p);
                any = true;
            }
            if (!any)
                continue;
            rows.push_back(static_cast<std::int64_t>(b));
            labels.push_back(label);
            ++pairs;
        }
    }
    if (pairs == 0)
        return torch::zeros({}, attention.options());
    const auto asTensor = [](const std::vector<std::int64_t>& v) {
        return torch::tensor(v, torch::TensorOptions().dtype(torch::kInt64));
    };
    // [K, P]: the attention rows of the K pairs; mass = sum of each row over its gold positions.
    const auto selected = attention.index({asTensor(rows), asTensor(labels)});
    const auto goldValues = selected.index({asTensor(pairOf), asTensor(positionOf)});
    const auto mass = torch::zeros({pairs}, attention.options()).index_add(0, asTensor(pairOf), goldValues);
    return -torch::log(mass + 1e-8).mean();
}

std::size_t evidencePairCount(const std::vector<NoteEvidence>& evidence) {
    std::size_t pairs = 0;
    for (const auto& note : evidence)
        pairs += note.codes.size();
    return pairs;
}

} // namespace fc::trainer
