// Helpers for the integration tests: a task-manager host whose events go to an
// event-sink host (both real agent-host processes).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <host_process.hpp>
#include <set>
#include <string>
#include <thread>

namespace task_manager::integration {

using agent_host::test::HostProcess;
using agent_host::test::Reply;
using nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

inline json sink_config() {
  return {{"service", "event-sink"}, {"plugins", {{"event-sink", {{"enabled", true}}}}}};
}

inline json task_manager_config(const std::string& sink_url) {
  return {
      {"service", "task-manager"},
      {"peers", {{"event-sink", sink_url}}},
      {"peer_timeout_ms", 2000},
      {"plugins",
       {{"task-manager",
         {{"enabled", true},
          {"config",
           {{"metrics_refresh_ms", 200},
            {"events",
             {{"target", "event-sink"}, {"retry_initial_ms", 50}, {"retry_max_ms", 300}}}}}}}}}};
}

inline Reply call(const std::string& method, const std::string& url, const json& body = nullptr,
                  const Headers& headers = {}) {
  return agent_host::test::http(method, url, body.is_null() ? std::string() : body.dump(), headers);
}

// The events the sink holds ({"events":[...], "duplicates": n}); empty when it is down.
inline json sink_events(const HostProcess& sink) {
  const Reply reply = agent_host::test::try_http("GET", sink.base_url() + "/event-sink/events");
  return reply.status == 200 ? reply.json() : json{{"events", json::array()}, {"duplicates", 0}};
}

// The ids of the tasks whose task.created event the sink holds.
inline std::set<std::string> created_task_ids(const json& events) {
  std::set<std::string> ids;
  for (const auto& event : events["events"])
    if (event["type"] == "task.created") ids.insert(event["task"]["id"]);
  return ids;
}

inline bool wait_for_events(const HostProcess& sink, size_t count,
                            std::chrono::seconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (sink_events(sink)["events"].size() >= count) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace task_manager::integration
