// agent_host/metrics.hpp — handles to the metrics a plugin registered with
// Host::counter, gauge and histogram. Cheap to copy; valid while the plugin
// lives; a default-constructed handle does nothing.
#ifndef AGENT_HOST_METRICS_HPP
#define AGENT_HOST_METRICS_HPP

#include <agent_host/abi.h>

namespace agent_host {

class Counter {
 public:
  Counter() = default;
  void inc(double by = 1) const {
    if (m_) api_->metric_add(m_, by);
  }

 private:
  friend class Host;
  Counter(const ah_host_api* api, ah_metric* m) : api_(api), m_(m) {}
  const ah_host_api* api_ = nullptr;
  ah_metric* m_ = nullptr;
};

class Gauge {
 public:
  Gauge() = default;
  void set(double value) const {
    if (m_) api_->metric_set(m_, value);
  }
  void add(double by) const {
    if (m_) api_->metric_add(m_, by);
  }

 private:
  friend class Host;
  Gauge(const ah_host_api* api, ah_metric* m) : api_(api), m_(m) {}
  const ah_host_api* api_ = nullptr;
  ah_metric* m_ = nullptr;
};

class Histogram {
 public:
  Histogram() = default;
  void observe(double value) const {
    if (m_) api_->metric_observe(m_, value);
  }

 private:
  friend class Host;
  Histogram(const ah_host_api* api, ah_metric* m) : api_(api), m_(m) {}
  const ah_host_api* api_ = nullptr;
  ah_metric* m_ = nullptr;
};

}  // namespace agent_host

#endif  // AGENT_HOST_METRICS_HPP
