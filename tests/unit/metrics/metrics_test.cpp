#include "metrics/metrics.hpp"

#include <gtest/gtest.h>

#include "metrics/host_metrics.hpp"

namespace agent_host::metrics {
namespace {

TEST(PluginMetrics, PrefixedByPluginAndCachedPerLabelSet) {
  Metrics metrics;
  std::string error;
  ah_metric* a = metrics.plugin_metric("task-manager", AH_METRIC_COUNTER, "tasks_created_total",
                                       "help", R"({"priority":"high"})", nullptr, 0, error);
  ASSERT_NE(a, nullptr) << error;
  EXPECT_EQ(a, metrics.plugin_metric("task-manager", AH_METRIC_COUNTER, "tasks_created_total",
                                     "help", R"({"priority":"high"})", nullptr, 0, error));
  a->counter->Increment(3);
  double value = 0;
  ASSERT_TRUE(
      metrics.read("agent_task_manager_tasks_created_total", {{"priority", "high"}}, value));
  EXPECT_EQ(value, 3);
  EXPECT_NE(metrics.serialize().find("agent_task_manager_tasks_created_total{priority=\"high\"} 3"),
            std::string::npos);
}

TEST(PluginMetrics, RefusesBadNamesLabelsAndKindClashes) {
  Metrics metrics;
  std::string error;
  EXPECT_EQ(metrics.plugin_metric("p", AH_METRIC_GAUGE, "9lives", "", "", nullptr, 0, error),
            nullptr);
  EXPECT_NE(error.find("9lives"), std::string::npos);
  EXPECT_EQ(metrics.plugin_metric("p", AH_METRIC_GAUGE, "g", "", R"({"a":1})", nullptr, 0, error),
            nullptr);
  EXPECT_EQ(metrics.plugin_metric("p", AH_METRIC_GAUGE, "g", "", "[1]", nullptr, 0, error),
            nullptr);
  ASSERT_NE(metrics.plugin_metric("p", AH_METRIC_GAUGE, "depth", "", "", nullptr, 0, error),
            nullptr);
  EXPECT_EQ(metrics.plugin_metric("p", AH_METRIC_COUNTER, "depth", "", "", nullptr, 0, error),
            nullptr);
  EXPECT_NE(error.find("another kind"), std::string::npos);
}

TEST(PluginMetrics, HistogramsUseGivenBucketsAndRemovalDropsOnlyThatPlugin) {
  Metrics metrics;
  std::string error;
  const double buckets[] = {1, 5};
  auto* h = metrics.plugin_metric("hello", AH_METRIC_HISTOGRAM, "latency_seconds", "", "", buckets,
                                  2, error);
  ASSERT_NE(h, nullptr) << error;
  h->histogram->Observe(3);
  auto* other =
      metrics.plugin_metric("hello-world", AH_METRIC_GAUGE, "x", "", "", nullptr, 0, error);
  other->gauge->Set(7);
  EXPECT_NE(metrics.serialize().find("agent_hello_latency_seconds_bucket{le=\"5\"} 1"),
            std::string::npos);
  metrics.remove_plugin("hello");
  const std::string text = metrics.serialize();
  EXPECT_EQ(text.find("agent_hello_latency_seconds"), std::string::npos);
  EXPECT_NE(text.find("agent_hello_world_x 7"), std::string::npos);
}

TEST(HostMetricsTest, RouteSeriesCountByStatusCode) {
  Metrics metrics;
  HostMetrics host(metrics.registry(), "1.2.3");
  auto& series = host.route("hello", "/hello/greet/{name}", "GET");
  series.record(200, 0.001);
  series.record(200, 0.002);
  series.record(404, 0.001);
  double value = 0;
  ASSERT_TRUE(metrics.read(
      "agent_host_http_requests_total",
      {{"plugin", "hello"}, {"route", "/hello/greet/{name}"}, {"method", "GET"}, {"code", "200"}},
      value));
  EXPECT_EQ(value, 2);
  ASSERT_TRUE(metrics.read(
      "agent_host_http_request_duration_seconds",
      {{"plugin", "hello"}, {"route", "/hello/greet/{name}"}, {"method", "GET"}}, value));
  EXPECT_EQ(value, 3);
  EXPECT_EQ(&series, &host.route("hello", "/hello/greet/{name}", "GET"));
}

}  // namespace
}  // namespace agent_host::metrics
