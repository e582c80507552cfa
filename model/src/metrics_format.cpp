// metricsToJson and metricsToTable: the eval command's two renderings of EvalMetrics.
#include "fc/model/metrics.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fc {
namespace {

// The double whose shortest decimal form is the float's shortest form (0.19191919f prints as 0.19191919).
double floatAsShortDouble(float value) {
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer - 1, value);
    *result.ptr = '\0';
    return std::strtod(buffer, nullptr);
}

struct Row {
    const char* name;
    std::optional<double> value;
    bool integer;
};

std::vector<Row> rows(const EvalMetrics& m) {
    auto count = [](std::int64_t n) { return std::optional<double>(static_cast<double>(n)); };
    std::vector<Row> result = {
        {"n_docs", count(m.n_docs), true},
        {"n_skipped", count(m.n_skipped), true},
        {"n_labels", count(m.n_labels), true},
        {"threshold", floatAsShortDouble(static_cast<float>(m.threshold)), false},
        {"macro_auc", m.macro_auc, false},
        {"micro_auc", m.micro_auc, false},
        {"macro_f1", m.macro_f1, false},
        {"macro_f1_per_code", m.macro_f1_per_code, false},
        {"micro_f1", m.micro_f1, false},
        {"micro_precision", m.micro_precision, false},
        {"micro_recall", m.micro_recall, false},
        {"macro_precision", m.macro_precision, false},
        {"macro_recall", m.macro_recall, false},
        {"p_at_5", m.p_at_5, false},
        {"p_at_8", m.p_at_8, false},
        {"p_at_15", m.p_at_15, false},
        {"r_at_5", m.r_at_5, false},
        {"r_at_8", m.r_at_8, false},
        {"r_at_15", m.r_at_15, false},
        {"map", m.map, false},
        {"n_codes_present", count(m.n_codes_present), true},
        {"n_auc_codes", count(m.n_auc_codes), true},
        {"n_map_docs", count(m.n_map_docs), true},
    };
    if (m.evidence_token_f1)
        result.push_back({"evidence_token_f1", m.evidence_token_f1, false});
    if (m.evidence_hit_at_1)
        result.push_back({"evidence_hit_at_1", m.evidence_hit_at_1, false});
    // Added fields: printed only when computed, so existing outputs keep their shape.
    const std::vector<std::pair<const char*, const std::optional<double>*>> optional = {
        {"evidence_token_f1_attention", &m.evidence_token_f1_attention},
        {"evidence_hit_at_1_attention", &m.evidence_hit_at_1_attention},
        {"evidence_token_f1_mention", &m.evidence_token_f1_mention},
        {"evidence_hit_at_1_mention", &m.evidence_hit_at_1_mention},
        {"codiesp_d_map", &m.codiesp_d_map},
        {"codiesp_p_map", &m.codiesp_p_map},
        {"codiesp_x_precision", &m.codiesp_x_precision},
        {"codiesp_x_recall", &m.codiesp_x_recall},
        {"codiesp_x_f1", &m.codiesp_x_f1},
        {"map_train_freq_0", &m.map_train_freq_0},
        {"map_train_freq_1_4", &m.map_train_freq_1_4},
        {"map_train_freq_5plus", &m.map_train_freq_5plus},
    };
    for (const auto& [name, value] : optional)
        if (*value)
            result.push_back({name, *value, false});
    return result;
}

} // namespace

std::string metricsToJson(const EvalMetrics& metrics) {
    nlohmann::ordered_json json = nlohmann::ordered_json::object();
    for (const Row& row : rows(metrics)) {
        if (!row.value)
            json[row.name] = nullptr;
        else if (row.integer)
            json[row.name] = static_cast<std::int64_t>(*row.value);
        else
            json[row.name] = *row.value;
    }
    return json.dump();
}

std::string metricsToTable(const EvalMetrics& metrics) {
    std::string table;
    char line[96];
    for (const Row& row : rows(metrics)) {
        if (!row.value)
            std::snprintf(line, sizeof line, "%-20s %10s\n", row.name, "n/a");
        else if (row.integer)
            std::snprintf(line, sizeof line, "%-20s %10lld\n", row.name, static_cast<long long>(*row.value));
        else
            std::snprintf(line, sizeof line, "%-20s %10.4f\n", row.name, *row.value);
        table += line;
    }
    return table;
}

} // namespace fc
