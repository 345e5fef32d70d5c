// SCAFFOLD_PLUGIN_NAME on the SDK's fake host: requests go through the host's
// real router and config validation, and the database is a real SQLite file.
#include <gtest/gtest.h>

#include <agent_host/testing.hpp>
#include <chrono>

// The plugin's source is compiled into this test; its entry function hands the
// descriptor to the fake host.
extern "C" const ah_plugin_descriptor* agent_host_plugin_entry(void);

namespace {

using agent_host::testing::FakeHost;

constexpr const char* kEntries = "/SCAFFOLD_PLUGIN_NAME/entries";

class SCAFFOLD_CAMELPluginTest : public ::testing::Test {
 protected:
  void start(nlohmann::json config = nlohmann::json::object()) {
    host_.add_plugin(agent_host_plugin_entry(), std::move(config));
    host_.start();
  }
  FakeHost host_;
};

TEST_F(SCAFFOLD_CAMELPluginTest, AWrittenEntryIsListedAndCounted) {
  start();
  auto written = host_.post(kEntries, {{"text", "first"}});
  ASSERT_EQ(written.status, 201) << written.body;
  EXPECT_EQ(written.json().at("text"), "first");

  auto listed = host_.get(kEntries);
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json().at("entries").size(), 1u);
  EXPECT_EQ(listed.json().at("entries")[0].at("id"), written.json().at("id"));
  EXPECT_EQ(host_.metric("agent_SCAFFOLD_IDENTIFIER_entries_written_total"), 1.0);
}

TEST_F(SCAFFOLD_CAMELPluginTest, TextOverTheConfiguredLengthIsRefused) {
  start({{"max_text_length", 3}});
  auto refused = host_.post(kEntries, {{"text", "four"}});
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.json().at("error").at("field"), "text");
  EXPECT_EQ(host_.metric("agent_SCAFFOLD_IDENTIFIER_entries_written_total"), 0.0);
}

TEST_F(SCAFFOLD_CAMELPluginTest, CleanupRemovesOnlyEntriesPastTheRetention) {
  start({{"retention_days", 2}});
  host_.post(kEntries, {{"text", "kept, then removed"}});

  host_.run_job("SCAFFOLD_PLUGIN_NAME", "cleanup", std::chrono::system_clock::now());
  EXPECT_EQ(host_.get(kEntries).json().at("entries").size(), 1u);

  // Jobs never fire on their own in the fake host; run this one three days on.
  host_.run_job("SCAFFOLD_PLUGIN_NAME", "cleanup",
                std::chrono::system_clock::now() + std::chrono::hours(72));
  EXPECT_TRUE(host_.get(kEntries).json().at("entries").empty());
  ASSERT_FALSE(host_.logs().empty());
  EXPECT_EQ(host_.logs().back().message, "old entries removed");
}

}  // namespace
