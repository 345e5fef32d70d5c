#include "metrics.hpp"

#include "run_record.hpp"

namespace workflow {

namespace {
// The cache key of a labelled series: the name and the label values, without
// building or serialising JSON labels (this runs several times per run).
template <typename Labels>
std::string series_key(const std::string& name, const Labels& labels) {
  std::string key = name;
  for (const auto& label : labels) {
    key += '\x1f';
    key += label.name;
    key += '=';
    key += label.value;
  }
  return key;
}

template <typename Labels>
nlohmann::json labels_json(const Labels& labels) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& label : labels) out[label.name] = label.value;
  return out;
}

const std::vector<double>& duration_buckets() {
  static const std::vector<double> buckets = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5,
                                              1,     5,     15,   60,   300, 1800};
  return buckets;
}
}  // namespace

Metrics::Metrics(agent_host::Host& host)
    : host_(host),
      reclaimed_(host.counter("runs_reclaimed_total", "Runs taken over from a worker that died")),
      queue_depth_(host.gauge("queue_depth", "Runs waiting to start or continue")),
      llm_latency_(host.histogram("llm_inference_seconds", "LLM step inference latency",
                                  nlohmann::json::object(),
                                  {0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120})) {}

agent_host::Counter& Metrics::counter(const std::string& name, const std::string& help,
                                      std::initializer_list<Label> labels) {
  const std::string key = series_key(name, labels);
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = counters_.find(key);
  if (it == counters_.end())
    it = counters_.emplace(key, host_.counter(name, help, labels_json(labels))).first;
  return it->second;
}

agent_host::Histogram& Metrics::histogram(const std::string& name, const std::string& help,
                                          std::initializer_list<Label> labels,
                                          const std::vector<double>& buckets) {
  const std::string key = series_key(name, labels);
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = histograms_.find(key);
  if (it == histograms_.end())
    it = histograms_.emplace(key, host_.histogram(name, help, labels_json(labels), buckets)).first;
  return it->second;
}

void Metrics::workflow_known(const std::string& workflow) {
  for (const char* final_status :
       {status::succeeded, status::failed, status::cancelled, status::timed_out})
    counter("runs_total", "Runs that reached a final state",
            {{"workflow", workflow}, {"status", final_status}});
  histogram("run_duration_seconds", "Run duration from start to final state",
            {{"workflow", workflow}}, duration_buckets());
}

void Metrics::run_finished(const std::string& workflow, const std::string& status, double seconds) {
  counter("runs_total", "Runs that reached a final state",
          {{"workflow", workflow}, {"status", status}})
      .inc();
  histogram("run_duration_seconds", "Run duration from start to final state",
            {{"workflow", workflow}}, duration_buckets())
      .observe(seconds);
}

void Metrics::step_finished(const std::string& workflow, const std::string& step_type,
                            const std::string& outcome, double seconds) {
  histogram("step_duration_seconds", "Step attempt duration",
            {{"workflow", workflow}, {"type", step_type}, {"outcome", outcome}}, duration_buckets())
      .observe(seconds);
}

void Metrics::retry(const std::string& workflow) {
  counter("step_retries_total", "Step attempts scheduled again after a retryable error",
          {{"workflow", workflow}})
      .inc();
}

void Metrics::run_started(const std::string& workflow, const std::string& trigger) {
  counter("runs_created_total", "Runs created, by trigger",
          {{"workflow", workflow}, {"trigger", trigger}})
      .inc();
}

void Metrics::reclaimed() {
  reclaimed_.inc();
}
void Metrics::llm_latency(double seconds) {
  llm_latency_.observe(seconds);
}
void Metrics::queue_depth(int64_t depth) {
  queue_depth_.set(static_cast<double>(depth));
}

void Metrics::rejected_webhook(const std::string& reason) {
  counter("webhooks_rejected_total", "Webhook calls refused", {{"reason", reason}}).inc();
}

void Metrics::cron_fire(const std::string& workflow, const std::string& result) {
  counter("cron_fires_total", "Cron fires by outcome (started, skipped, taken_elsewhere)",
          {{"workflow", workflow}, {"result", result}})
      .inc();
}

void Metrics::event_received(const std::string& type) {
  counter("events_received_total", "Task events received", {{"type", type}}).inc();
}

}  // namespace workflow
