#pragma once
// The JSON of training's files (internal to fc::model): train-log.jsonl records, the state's config and
// trajectory, training.json; and the atomic text writes of the work directory.
#include "fc/model/metrics.h"
#include "fc/model/training.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace fc::trainer {

// Metric name -> value (interfaces.md names); absent AUCs are NaN.
std::map<std::string, double> metricValues(const EvalMetrics& m);
nlohmann::json recordToJson(const EpochRecord& r);
EpochRecord recordFromJson(const nlohmann::json& j);
// The settings that must not change across a resume (they define the optimisation trajectory).
nlohmann::json trajectoryOptions(const TrainOptions& o);
// Restores those settings from a state's "trajectory" into `options`.
void applyTrajectory(const nlohmann::json& saved, TrainOptions& options);
nlohmann::json configToJson(const ModelConfig& c);
ModelConfig configFromJson(const nlohmann::json& j);
void writeTextAtomically(const std::string& path, const std::string& text);
// One JSON line per epoch record.
std::string logText(const std::vector<EpochRecord>& history);

} // namespace fc::trainer
