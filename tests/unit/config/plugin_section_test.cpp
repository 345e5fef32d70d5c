#include "config/plugin_section.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace agent_host::config {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const json kPluginSchema = json::parse(R"({
  "type": "object", "additionalProperties": false,
  "properties": {
    "retention_days": {"type": "integer", "minimum": 1, "default": 30},
    "digest": {"type": "object", "default": {}, "additionalProperties": false,
               "properties": {"cron": {"type": "string", "default": "0 8 * * 1-5"}}}
  }
})");

TEST(PluginSection, DefaultsAreFilledIn) {
  json section = json::object();
  EXPECT_TRUE(validate_plugin_section(kPluginSchema, section, "task-manager").empty());
  EXPECT_EQ(section["retention_days"], 30);
  EXPECT_EQ(section["digest"]["cron"], "0 8 * * 1-5");
}

TEST(PluginSection, NullSectionCountsAsEmpty) {
  json section = nullptr;
  EXPECT_TRUE(validate_plugin_section(kPluginSchema, section, "task-manager").empty());
  EXPECT_EQ(section["retention_days"], 30);
}

TEST(PluginSection, ProblemsArePrefixedWithThePluginPath) {
  json section{{"retention_days", "7d"}, {"digets", json::object()}};
  const auto problems = validate_plugin_section(kPluginSchema, section, "task-manager");
  ASSERT_EQ(problems.size(), 2u);
  bool saw_type = false;
  bool saw_typo = false;
  for (const Problem& problem : problems) {
    if (problem.path == "plugins.task-manager.config.retention_days") {
      saw_type = true;
      EXPECT_THAT(problem.message, HasSubstr("expected an integer"));
    }
    if (problem.path == "plugins.task-manager.config.digets") {
      saw_typo = true;
      EXPECT_EQ(problem.suggestion, "did you mean 'digest'?");
    }
  }
  EXPECT_TRUE(saw_type);
  EXPECT_TRUE(saw_typo);
}

TEST(PluginSection, NullSchemaAcceptsAnything) {
  json section{{"anything", 1}};
  EXPECT_TRUE(validate_plugin_section(nullptr, section, "hello").empty());
}

TEST(PluginSection, BrokenPluginSchemaIsOneProblemBlamingThePlugin) {
  json section = json::object();
  const auto problems = validate_plugin_section(json::parse(R"({"type": 7})"), section, "broken");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].path, "plugins.broken.config");
  EXPECT_THAT(problems[0].suggestion, HasSubstr("plugin 'broken'"));
}

}  // namespace
}  // namespace agent_host::config
