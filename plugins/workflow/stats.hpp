// The /workflow/stats answer, assembled from what a store aggregated.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace workflow {

struct StatsParts {
  std::map<std::string, int64_t> by_status;
  std::optional<double> p50_seconds, p95_seconds;
  struct FailingWorkflow {
    std::string workflow;
    int64_t failed = 0, total = 0;
  };
  struct FailingStep {
    std::string workflow, step;
    int64_t failed = 0;
  };
  std::vector<FailingWorkflow> failing_workflows;  // most failures first
  std::vector<FailingStep> failing_steps;
};

inline constexpr size_t kTopFailing = 5;

// Nearest-rank position (0-based) of percentile `p` (0..1] among `count` values.
size_t percentile_rank(size_t count, double p);

nlohmann::json stats_answer(int64_t from, int64_t to, const StatsParts& parts);

}  // namespace workflow
