// fc::evaluateModel: every document through Engine::predict, then the metrics of metrics.h.
#include "fc/model/engine.h"
#include "fc/model/errors.h"
#include "fc/model/evaluation.h"
#include "fc/model/evidence_metrics.h"
#include "fc/model/metrics_codiesp.h"
#include "fc/model/metrics_frequency.h"
#include "fc/model/tokenizer.h"
#include "fc/model/unicode.h"

#include "torch/evaluator_input.h"

#include <chrono>
#include <set>
#include <unordered_map>

namespace fc {

namespace {

// CodiEsp-D and -P MAP (metrics_codiesp.h) when the label set is ICD-10; gold codes outside it count as
// never retrieved in their own sub-task.
void addCodiespMap(const ModelInfo& info, const std::vector<evaluator::EvalDocument>& documents,
                   const std::vector<std::size_t>& kept, const ScoreMatrix& scores, EvalMetrics& metrics) {
    std::vector<std::uint8_t> isProcedure(info.labels.size(), 0);
    bool icd10 = false;
    std::unordered_map<std::string, std::int32_t> labelIndex;
    for (std::size_t i = 0; i < info.labels.size(); ++i) {
        const std::string& system = info.labelSystems[i];
        isProcedure[i] = isProcedureCode(info.labels[i]) ? 1 : 0;
        icd10 = icd10 || system == "icd-10-pcs" || system == "icd-10-cm";
        labelIndex.emplace(info.labels[i], static_cast<std::int32_t>(i));
    }
    if (!icd10)
        return;
    std::vector<CodiespMapGold> gold;
    bool anyD = false, anyP = false;
    for (const auto d : kept) {
        CodiespMapGold g;
        const std::set<std::string> unique(documents[d].codes.begin(), documents[d].codes.end());
        for (const auto& code : unique) {
            const auto it = labelIndex.find(code);
            const bool procedure = it != labelIndex.end()
                                       ? isProcedure[static_cast<std::size_t>(it->second)] != 0
                                       : isProcedureCode(code);
            (procedure ? anyP : anyD) = true;
            if (it != labelIndex.end())
                g.labels.push_back(it->second);
            else
                ++(procedure ? g.outsideProcedures : g.outsideDiagnoses);
        }
        gold.push_back(std::move(g));
    }
    const CodiespMap map = codiespMap(scores, gold, isProcedure);
    if (anyD)
        metrics.codiesp_d_map = map.d_map;
    if (anyP)
        metrics.codiesp_p_map = map.p_map;
}

// MAP per train-frequency bucket (metrics_frequency.h) of the scored documents' gold codes.
void addFrequencyBucketMap(const ModelInfo& info, const std::vector<evaluator::EvalDocument>& documents,
                           const std::vector<std::size_t>& kept, const ScoreMatrix& scores,
                           const std::unordered_map<std::string, std::int64_t>& trainFrequency,
                           EvalMetrics& metrics) {
    std::unordered_map<std::string, std::int32_t> labelIndex;
    for (std::size_t i = 0; i < info.labels.size(); ++i)
        labelIndex.emplace(info.labels[i], static_cast<std::int32_t>(i));
    std::vector<std::vector<BucketGold>> gold;
    for (const auto d : kept) {
        std::vector<BucketGold> g;
        const std::set<std::string> unique(documents[d].codes.begin(), documents[d].codes.end());
        for (const auto& code : unique) {
            const auto label = labelIndex.find(code);
            const auto frequency = trainFrequency.find(code);
            g.push_back({label != labelIndex.end() ? label->second : -1,
                         frequencyBucket(frequency != trainFrequency.end() ? frequency->second : 0)});
        }
        gold.push_back(std::move(g));
    }
    const FrequencyBucketMap map = frequencyBucketMap(scores, gold);
    std::optional<double>* fields[kFrequencyBuckets] = {
        &metrics.map_train_freq_0, &metrics.map_train_freq_1_4, &metrics.map_train_freq_5plus};
    for (int b = 0; b < kFrequencyBuckets; ++b)
        if (map.documents[static_cast<std::size_t>(b)] > 0)
            *fields[b] = map.map[static_cast<std::size_t>(b)];
}

EvaluationResult evaluateDocuments(const std::string& modelDirectory,
                                   const std::vector<evaluator::EvalDocument>& documents,
                                   const EvaluationOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    const auto engine = Engine::load(modelDirectory, options.threads, options.fast);
    const ModelInfo& info = engine->info();
    std::unordered_map<std::string, std::int32_t> labelIndex;
    for (std::size_t i = 0; i < info.labels.size(); ++i)
        labelIndex.emplace(info.labels[i], static_cast<std::int32_t>(i));

    EvaluationResult result;
    result.fast = engine->fast();
    std::vector<GoldCodes> gold;
    std::vector<std::size_t> kept; // indices of scored documents
    for (std::size_t d = 0; d < documents.size(); ++d) {
        GoldCodes codes;
        const std::set<std::string> unique(documents[d].codes.begin(), documents[d].codes.end());
        for (const auto& code : unique) {
            const auto it = labelIndex.find(code);
            if (it == labelIndex.end())
                ++codes.outsideLabelSet;
            else
                codes.labels.push_back(it->second);
        }
        if (codes.labels.empty()) {
            ++result.metrics.n_skipped;
            continue;
        }
        gold.push_back(std::move(codes));
        kept.push_back(d);
    }

    ScoreMatrix scores(kept.size(), info.labels.size());
    const float threshold = options.threshold.value_or(info.threshold);
    EvidenceScorer evidence, attentionEvidence, mentionEvidence;
    bool anyEvidence = false, anyAttention = false, anyMention = false;
    CodiespXScorer codiespX;
    bool anyCodiespX = false;
    const auto window = std::max<std::int64_t>(1, info.maxTokens);
    for (std::size_t row = 0; row < kept.size(); ++row) {
        if (options.cancel != nullptr && options.cancel->load())
            throw Cancelled();
        const evaluator::EvalDocument& doc = documents[kept[row]];
        std::vector<Token> tokens;
        try {
            tokens = tokenize(doc.text);
        } catch (const InputError& e) {
            throw InputError("document '" + doc.id + "': " + e.what());
        }
        std::string text = doc.text;
        if (static_cast<std::int64_t>(tokens.size()) > window) {
            ++result.longDocuments;
            if (options.truncate) {
                // The prefix up to the end of token `window` tokenises to exactly the first `window` tokens.
                const auto end = static_cast<std::size_t>(tokens[static_cast<std::size_t>(window) - 1].end);
                text = encodeUtf8(decodeUtf8(doc.text).substr(0, end));
                tokens.resize(static_cast<std::size_t>(window));
            }
        }
        const bool wantEvidence = options.evidence && !doc.evidence.empty();
        PredictOptions predictOptions;
        predictOptions.evidence = wantEvidence;
        predictOptions.networkOnly = options.networkOnly;
        const Prediction prediction = engine->predict(text, predictOptions, options.cancel);
        for (const CodeScore& code : prediction.codes) {
            const auto it = labelIndex.find(code.code);
            if (it != labelIndex.end())
                scores.at(row, static_cast<std::size_t>(it->second)) = code.score;
        }
        if (wantEvidence) {
            std::unordered_map<std::string, std::vector<TextSpan>> goldSpans;
            for (const auto& span : doc.evidence)
                if (labelIndex.count(span.code) != 0)
                    goldSpans[span.code].push_back({span.begin, span.end});
            for (const CodeScore& code : prediction.codes) {
                const auto it = goldSpans.find(code.code);
                if (it == goldSpans.end())
                    continue;
                evidence.add(tokens, code.evidence, it->second);
                anyEvidence = true;
                std::vector<EvidenceSpan> attention, mention;
                for (const EvidenceSpan& span : code.evidence)
                    (span.source == EvidenceSource::Mention ? mention : attention).push_back(span);
                anyAttention = anyAttention || !attention.empty();
                anyMention = anyMention || !mention.empty();
                attentionEvidence.add(tokens, attention, it->second);
                mentionEvidence.add(tokens, mention, it->second);
            }
            // CodiEsp-X: every code above the threshold asserts its shown spans; every annotation is gold.
            std::vector<CodiespXSpan> predictedX, goldX;
            for (const CodeScore& code : prediction.codes) {
                if (!(code.score > threshold))
                    break; // codes are sorted by score
                for (const EvidenceSpan& span : code.evidence)
                    predictedX.push_back({code.code, span.begin, span.end});
            }
            for (const auto& span : doc.evidence)
                goldX.push_back({span.code, span.begin, span.end});
            codiespX.add(predictedX, goldX);
            anyCodiespX = true;
        }
        if (options.progress)
            options.progress(row + 1, kept.size());
    }

    const std::int64_t skipped = result.metrics.n_skipped;
    result.metrics = computeMetrics(scores, gold, threshold);
    result.metrics.n_skipped = skipped;
    if (anyEvidence) {
        const EvidenceScores e = evidence.scores();
        result.evidencePairs = e.pairs;
        if (e.pairs > 0) {
            result.metrics.evidence_token_f1 = e.token_f1;
            result.metrics.evidence_hit_at_1 = e.hit_at_1;
        }
        const EvidenceScores a = attentionEvidence.scores(), m = mentionEvidence.scores();
        if (anyAttention && a.pairs > 0) {
            result.metrics.evidence_token_f1_attention = a.token_f1;
            result.metrics.evidence_hit_at_1_attention = a.hit_at_1;
        }
        if (anyMention && m.pairs > 0) {
            result.metrics.evidence_token_f1_mention = m.token_f1;
            result.metrics.evidence_hit_at_1_mention = m.hit_at_1;
        }
    }
    if (anyCodiespX) {
        const CodiespXScores x = codiespX.scores();
        result.metrics.codiesp_x_precision = x.precision;
        result.metrics.codiesp_x_recall = x.recall;
        result.metrics.codiesp_x_f1 = x.f1;
    }
    addCodiespMap(info, documents, kept, scores, result.metrics);
    if (!options.trainFrequency.empty())
        addFrequencyBucketMap(info, documents, kept, scores, options.trainFrequency, result.metrics);
    for (const auto d : kept)
        result.documentIds.push_back(documents[d].id);
    result.labels = info.labels;
    result.scores = std::move(scores);
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

} // namespace

EvaluationResult evaluateModel(const std::string& modelDirectory, const std::vector<Document>& documents,
                               const EvaluationOptions& options) {
    return evaluateDocuments(modelDirectory, evaluator::toEvalDocuments(documents), options);
}

EvaluationResult evaluateModel(const std::string& modelDirectory, const std::string& datasetPath,
                               const EvaluationOptions& options) {
    return evaluateDocuments(modelDirectory, evaluator::loadEvalDocuments(datasetPath), options);
}

} // namespace fc
