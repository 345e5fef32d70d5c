#include "metrics/metrics.hpp"

#include <prometheus/text_serializer.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace agent_host::metrics {
namespace {

bool valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

template <typename T>
prometheus::Family<T>& family_of(
    const std::variant<prometheus::Family<prometheus::Counter>*,
                       prometheus::Family<prometheus::Gauge>*,
                       prometheus::Family<prometheus::Histogram>*>& family) {
  return *std::get<prometheus::Family<T>*>(family);
}

}  // namespace

std::string plugin_metric_prefix(std::string_view plugin) {
  std::string prefix = "agent_";
  for (char c : plugin) prefix.push_back(c == '-' ? '_' : c);
  prefix.push_back('_');
  return prefix;
}

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {}

std::string Metrics::serialize() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, registry_->Collect());
  return out.str();
}

namespace {

// Labels come across the ABI as a JSON object of strings.
bool parse_labels(std::string_view name, std::string_view labels_json, prometheus::Labels& labels,
                  std::string& error) {
  if (labels_json.empty()) return true;
  nlohmann::json parsed = nlohmann::json::parse(labels_json, nullptr, false);
  if (!parsed.is_object()) {
    error = "metric \"" + std::string(name) + "\": labels must be a JSON object of strings";
    return false;
  }
  for (auto& [key, value] : parsed.items()) {
    if (!value.is_string() || !valid_metric_name(key) || key.find(':') != std::string::npos) {
      error = "metric \"" + std::string(name) + "\": label \"" + key +
              "\" must be a valid label name with a string value";
      return false;
    }
    labels.emplace(key, value.get<std::string>());
  }
  return true;
}

}  // namespace

std::unique_ptr<ah_metric> Metrics::add_series(ah_metric_kind kind, const AnyFamily& family,
                                               const prometheus::Labels& labels,
                                               const double* buckets, size_t bucket_count) {
  auto handle = std::make_unique<ah_metric>();
  handle->kind = kind;
  switch (kind) {
    case AH_METRIC_COUNTER:
      handle->counter = &family_of<prometheus::Counter>(family).Add(labels);
      break;
    case AH_METRIC_GAUGE:
      handle->gauge = &family_of<prometheus::Gauge>(family).Add(labels);
      break;
    case AH_METRIC_HISTOGRAM: {
      prometheus::Histogram::BucketBoundaries bounds;
      if (buckets && bucket_count)
        bounds.assign(buckets, buckets + bucket_count);
      else
        bounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
      handle->histogram = &family_of<prometheus::Histogram>(family).Add(labels, bounds);
      break;
    }
  }
  return handle;
}

ah_metric* Metrics::plugin_metric(const std::string& plugin, ah_metric_kind kind,
                                  std::string_view name, std::string_view help,
                                  std::string_view labels_json, const double* buckets,
                                  size_t bucket_count, std::string& error) {
  if (!valid_metric_name(name)) {
    error = "metric name \"" + std::string(name) +
            "\" is invalid; use letters, digits and '_' (not starting with a digit)";
    return nullptr;
  }
  if (kind != AH_METRIC_COUNTER && kind != AH_METRIC_GAUGE && kind != AH_METRIC_HISTOGRAM) {
    error = "metric \"" + std::string(name) + "\": unknown kind " + std::to_string(kind);
    return nullptr;
  }
  prometheus::Labels labels;
  if (!parse_labels(name, labels_json, labels, error)) return nullptr;
  const std::string full_name = plugin_metric_prefix(plugin) + std::string(name);
  // Keyed by plugin first so removing one plugin never touches a similarly named one.
  std::string series_key = plugin + "|" + full_name + "{";
  for (const auto& [key, value] : labels) series_key += key + "=" + value + ",";
  series_key += "}";

  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = series_.find(series_key); it != series_.end()) {
    if (it->second->kind != kind) {
      error = "metric \"" + full_name + "\" already exists with another kind";
      return nullptr;
    }
    return it->second.get();
  }
  auto family_it = families_.find(full_name);
  try {
    if (family_it == families_.end()) {
      const std::string help_text = help.empty() ? full_name : std::string(help);
      family_it = families_
                      .emplace(full_name, PluginFamily{plugin, kind,
                                                       register_family(kind, full_name, help_text)})
                      .first;
    } else if (family_it->second.kind != kind) {
      error = "metric \"" + full_name + "\" already exists with another kind";
      return nullptr;
    }
    auto handle = add_series(kind, family_it->second.family, labels, buckets, bucket_count);
    return series_.emplace(series_key, std::move(handle)).first->second.get();
  } catch (const std::exception& e) {
    error = "metric \"" + full_name + "\": " + e.what();
    return nullptr;
  }
}

Metrics::AnyFamily Metrics::register_family(ah_metric_kind kind, const std::string& name,
                                            const std::string& help) {
  switch (kind) {
    case AH_METRIC_COUNTER:
      return &prometheus::BuildCounter().Name(name).Help(help).Register(*registry_);
    case AH_METRIC_GAUGE:
      return &prometheus::BuildGauge().Name(name).Help(help).Register(*registry_);
    case AH_METRIC_HISTOGRAM:
      break;
  }
  return &prometheus::BuildHistogram().Name(name).Help(help).Register(*registry_);
}

void Metrics::remove_plugin(const std::string& plugin) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string prefix = plugin + "|";
  for (auto it = series_.begin(); it != series_.end();)
    it = it->first.rfind(prefix, 0) == 0 ? series_.erase(it) : std::next(it);
  for (auto it = families_.begin(); it != families_.end();) {
    if (it->second.plugin != plugin) {
      ++it;
      continue;
    }
    std::visit([this](auto* family) { registry_->Remove(*family); }, it->second.family);
    it = families_.erase(it);
  }
}

bool Metrics::read(const std::string& full_name, const std::map<std::string, std::string>& labels,
                   double& value) const {
  for (const auto& family : registry_->Collect()) {
    if (family.name != full_name) continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> have;
      for (const auto& label : metric.label) have.emplace(label.name, label.value);
      if (have != labels) continue;
      switch (family.type) {
        case prometheus::MetricType::Counter:
          value = metric.counter.value;
          return true;
        case prometheus::MetricType::Gauge:
          value = metric.gauge.value;
          return true;
        case prometheus::MetricType::Histogram:
          value = static_cast<double>(metric.histogram.sample_count);
          return true;
        default:
          return false;
      }
    }
  }
  return false;
}

}  // namespace agent_host::metrics
