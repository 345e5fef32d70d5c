// Every metric the shipped alert rules and Grafana dashboard query exists on
// the /metrics of a host started with the shipped all-in-one config, before
// anything happened; so do the series that exist from start with known labels.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <string>

#include "host_process.hpp"
#include "role_config.hpp"

namespace agent_host::test {
namespace {

const std::filesystem::path kMonitoring =
    std::filesystem::path(AH_SOURCE_DIR) / "deploy" / "k8s" / "shared" / "monitoring";

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  EXPECT_TRUE(in) << "cannot read " << file;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The metric names the shipped monitoring files query (agent_* names).
std::set<std::string> referenced_metrics() {
  std::set<std::string> names;
  static const std::regex name(R"(\bagent_[a-z0-9_]+)");
  for (const auto& entry : std::filesystem::directory_iterator(kMonitoring)) {
    const std::string text = read_file(entry.path());
    for (auto it = std::sregex_iterator(text.begin(), text.end(), name);
         it != std::sregex_iterator(); ++it)
      names.insert(it->str());
  }
  return names;
}

// The sample names of a Prometheus text exposition.
std::set<std::string> exposed_samples(const std::string& exposition) {
  std::set<std::string> names;
  static const std::regex sample(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ])", std::regex::multiline);
  for (auto it = std::sregex_iterator(exposition.begin(), exposition.end(), sample);
       it != std::sregex_iterator(); ++it)
    names.insert((*it)[1].str());
  return names;
}

TEST(ShippedMetrics, EveryMetricTheRulesAndDashboardUseExistsFromStart) {
  const auto referenced = referenced_metrics();
  ASSERT_GE(referenced.size(), 5u) << "no agent_* metric found under " << kMonitoring;
  HostProcess host(all_in_one_test_config());
  const Reply scraped = http("GET", host.metrics_url());
  ASSERT_EQ(scraped.status, 200);
  const auto exposed = exposed_samples(scraped.body);
  for (const auto& name : referenced)
    EXPECT_TRUE(exposed.count(name)) << name << " is queried by deploy/k8s/shared/monitoring "
                                     << "but the started host does not expose it";
  // Known labels, zero from start (an alert on rate() needs the series before the first event).
  for (const char* series :
       {"agent_reporting_reports_expired_total", "agent_reporting_peer_errors_total{",
        "agent_reporting_llm_latency_seconds_count{"})
    EXPECT_NE(scraped.body.find(series), std::string::npos) << series << "\n" << scraped.body;
  EXPECT_NE(scraped.body.find("peer=\"task-manager\""), std::string::npos);
  EXPECT_NE(scraped.body.find("peer=\"workflow\""), std::string::npos);
}

}  // namespace
}  // namespace agent_host::test
