// The README's product command runs configs/all-in-one.yaml: every shipped
// agent, workflow template and report template must load from it as shipped.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "config/yaml_to_json.hpp"
#include "host_process.hpp"
#include "role_config.hpp"

namespace agent_host::test {
namespace {

const std::filesystem::path kSource(AH_SOURCE_DIR);

// The names the shipped template files declare, read the way the host reads YAML.
std::set<std::string> shipped_workflow_names() {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kSource / "configs" / "workflows")) {
    if (entry.path().extension() != ".yaml" && entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto definition = config::yaml_to_json(text, entry.path().string());
    names.insert(definition.at("name").get<std::string>());
  }
  return names;
}

TEST(AllInOne, ServesEveryAgentAndLoadsEveryShippedTemplate) {
  const auto expected = shipped_workflow_names();
  ASSERT_FALSE(expected.empty()) << "no templates in configs/workflows";

  HostProcess host(all_in_one_test_config());

  for (const char* path : {"/task/tasks?limit=1", "/workflow/workflows", "/reporting/reports"}) {
    const Reply reply = http("GET", host.base_url() + path);
    EXPECT_EQ(reply.status, 200) << path << ": " << reply.body;
  }
  const Reply listed = http("GET", host.base_url() + "/workflow/workflows");
  ASSERT_EQ(listed.status, 200) << listed.body;
  std::set<std::string> loaded;
  const auto list = listed.json();
  for (const auto& item : list.at("items")) loaded.insert(item.value("name", ""));
  for (const auto& name : expected)
    EXPECT_TRUE(loaded.count(name))
        << "shipped template " << name << " not listed: " << listed.body << "\nlog:\n"
        << host.logs();

  const Reply report =
      http("POST", host.base_url() + "/reporting/reports", R"({"period":"daily"})");
  EXPECT_EQ(report.status, 201) << report.body;
}

}  // namespace
}  // namespace agent_host::test
