// Task Manager request bodies and values: creates, changes, transitions,
// bulk requests, If-Match, cursors and RFC 3339 times. Every refusal is an HttpError (4xx).
#include <agent_host/conditional.hpp>
#include <agent_host/sdk.hpp>
#include <agent_host/time.hpp>
#include <cstdlib>

#include "cursor.hpp"
#include "fuzz_input.hpp"
#include "validation.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace task_manager;
  const std::string_view input = agent_host::fuzz::text(data, size);
  (void)decode_cursor(input);
  (void)agent_host::parse_rfc3339(input);
  (void)agent_host::parse_tag_condition(input);  // If-Match / If-None-Match
  try {
    const nlohmann::json body = agent_host::parse_json(input);
    for (auto parse : {+[](const nlohmann::json& b) { (void)parse_new_task(b); },
                       +[](const nlohmann::json& b) { (void)parse_changes(b); },
                       +[](const nlohmann::json& b) { (void)parse_transition_target(b); },
                       +[](const nlohmann::json& b) { (void)parse_bulk(b); }}) {
      try {
        parse(body);
      } catch (const agent_host::HttpError& e) {
        if (e.status() >= 500) std::abort();
      }
    }
  } catch (const agent_host::InvalidJson&) {
  }
  return 0;
}
