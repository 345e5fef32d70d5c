#include "stats.hpp"

#include <cmath>

#include "clock.hpp"
#include "run_record.hpp"

namespace workflow {

size_t percentile_rank(size_t count, double p) {
  const auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(count)));
  return rank == 0 ? 0 : rank - 1;
}

nlohmann::json stats_answer(int64_t from, int64_t to, const StatsParts& parts) {
  using nlohmann::json;
  json by_status = json::object();
  int64_t total = 0;
  for (const char* name : {status::queued, status::running, status::waiting, status::succeeded,
                           status::failed, status::cancelled, status::timed_out}) {
    auto it = parts.by_status.find(name);
    const int64_t count = it == parts.by_status.end() ? 0 : it->second;
    by_status[name] = count;
    total += count;
  }
  // success_rate = succeeded / runs that reached a final state.
  const int64_t finished =
      by_status[status::succeeded].get<int64_t>() + by_status[status::failed].get<int64_t>() +
      by_status[status::cancelled].get<int64_t>() + by_status[status::timed_out].get<int64_t>();
  json workflows = json::array();
  for (const auto& w : parts.failing_workflows)
    workflows.push_back({{"workflow", w.workflow}, {"failed", w.failed}, {"total", w.total}});
  json steps = json::array();
  for (const auto& s : parts.failing_steps)
    steps.push_back({{"workflow", s.workflow}, {"step", s.step}, {"failed", s.failed}});
  auto optional_number = [](const std::optional<double>& v) {
    return v ? json(*v) : json(nullptr);
  };
  return json{
      {"from", format_time(from)},
      {"to", format_time(to)},
      {"runs_total", total},
      {"by_status", by_status},
      {"success_rate", finished
                           ? json(static_cast<double>(by_status[status::succeeded].get<int64_t>()) /
                                  static_cast<double>(finished))
                           : json(nullptr)},
      {"duration_seconds",
       {{"p50", optional_number(parts.p50_seconds)}, {"p95", optional_number(parts.p95_seconds)}}},
      {"top_failing_workflows", workflows},
      {"top_failing_steps", steps}};
}

}  // namespace workflow
