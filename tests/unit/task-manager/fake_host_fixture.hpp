// A fake host with the real task-manager plugin loaded from its .so.
#pragma once

#include <gtest/gtest.h>

#include <agent_host/testing.hpp>
#include <string>

namespace task_manager::testing {

using agent_host::testing::FakeHost;
using agent_host::testing::FakeResponse;
using nlohmann::json;

class TaskManagerTest : public ::testing::Test {
 protected:
  // Events go to the stub agent "sink"; gauges refresh quickly.
  virtual json plugin_config() {
    return {{"metrics_refresh_ms", 100},
            {"events", {{"target", "sink"}, {"retry_initial_ms", 10}, {"retry_max_ms", 40}}}};
  }
  virtual void before_start() {}

  void SetUp() override {
    before_start();
    host.add_plugin_file(std::string(AH_BINARY_DIR) + "/ah-task-manager.so", plugin_config());
    host.start();
  }

  json create(const json& body) {
    const FakeResponse response = host.post("/task/tasks", body);
    EXPECT_EQ(response.status, 201) << response.body;
    return response.json();
  }

  FakeHost host;
};

}  // namespace task_manager::testing
