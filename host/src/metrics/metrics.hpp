// The process's Prometheus registry and the plugin-facing metric handles.
#pragma once

#include <agent_host/abi.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

// The handle the ABI hands to plugins: one labelled series.
struct ah_metric {
  ah_metric_kind kind;
  prometheus::Counter* counter = nullptr;
  prometheus::Gauge* gauge = nullptr;
  prometheus::Histogram* histogram = nullptr;
};

namespace agent_host::metrics {

// "task-manager" -> "agent_task_manager_"
std::string plugin_metric_prefix(std::string_view plugin);

class Metrics {
 public:
  Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  prometheus::Registry& registry() { return *registry_; }
  // The Prometheus text exposition of every metric.
  std::string serialize() const;

  // Returns (creating on first use) the series a plugin asked for; nullptr and
  // `error` on an invalid name or labels, or when `name` exists with another kind.
  ah_metric* plugin_metric(const std::string& plugin, ah_metric_kind kind, std::string_view name,
                           std::string_view help, std::string_view labels_json,
                           const double* buckets, size_t bucket_count, std::string& error);
  // Drops every family a plugin created (the plugin was disabled).
  void remove_plugin(const std::string& plugin);

  // Value of a series by full name and labels (tests and the fake host);
  // histograms give their sample count. False when absent.
  bool read(const std::string& full_name, const std::map<std::string, std::string>& labels,
            double& value) const;

 private:
  using AnyFamily =
      std::variant<prometheus::Family<prometheus::Counter>*, prometheus::Family<prometheus::Gauge>*,
                   prometheus::Family<prometheus::Histogram>*>;
  struct PluginFamily {
    std::string plugin;
    ah_metric_kind kind;
    AnyFamily family;  // the alternative matches `kind`
  };
  AnyFamily register_family(ah_metric_kind kind, const std::string& name, const std::string& help);
  static std::unique_ptr<ah_metric> add_series(ah_metric_kind kind, const AnyFamily& family,
                                               const prometheus::Labels& labels,
                                               const double* buckets, size_t bucket_count);
  std::shared_ptr<prometheus::Registry> registry_;
  std::mutex mutex_;
  std::map<std::string, PluginFamily> families_;              // full name -> family
  std::map<std::string, std::unique_ptr<ah_metric>> series_;  // full name + labels -> handle
};

}  // namespace agent_host::metrics
