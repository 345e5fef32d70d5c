// The plugin's pure parts: timestamps, cursors, the transition table, validation.
#include <gtest/gtest.h>

#include <agent_host/sdk.hpp>
#include <agent_host/time.hpp>

#include "cursor.hpp"
#include "task.hpp"
#include "validation.hpp"

namespace task_manager {
namespace {

TEST(TimeText, ParsesAndFormatsUtcAndOffsets) {
  EXPECT_EQ(agent_host::parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(agent_host::parse_rfc3339("2024-05-01T09:00:00.5Z"), 1714554000500);
  EXPECT_EQ(agent_host::parse_rfc3339("2024-05-01T11:00:00+02:00"), 1714554000000);
  EXPECT_EQ(agent_host::format_rfc3339(1714554000500), "2024-05-01T09:00:00.500Z");
  EXPECT_EQ(agent_host::parse_rfc3339(agent_host::format_rfc3339(1714554000123)), 1714554000123);
}

TEST(TimeText, RefusesMalformedAndImpossibleDates) {
  for (const char* bad :
       {"", "2024-05-01", "2024-02-30T00:00:00Z", "2024-05-01T25:00:00Z", "2024-05-01T09:00:00",
        "2024-05-01T09:00:00Zjunk", "yesterday", "2024-05-01T09:00:00.Z"})
    EXPECT_FALSE(agent_host::parse_rfc3339(bad).has_value()) << bad;
}

TEST(Cursor, RoundTripsAndRejectsGarbage) {
  const auto decoded = decode_cursor(encode_cursor({"-created_at", 1714554000500, "abc-1"}));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->sort, "-created_at");
  EXPECT_EQ(decoded->key, 1714554000500);
  EXPECT_EQ(decoded->id, "abc-1");
  EXPECT_FALSE(decode_cursor("!!!"));
  EXPECT_FALSE(decode_cursor("bm9waXBlcw"));  // "nopipes"
}

TEST(Transitions, FollowTheTable) {
  EXPECT_TRUE(can_transition("todo", "done"));
  EXPECT_TRUE(can_transition("done", "todo"));
  EXPECT_FALSE(can_transition("done", "blocked"));
  EXPECT_FALSE(can_transition("blocked", "done"));
  EXPECT_FALSE(can_transition("todo", "todo"));
  EXPECT_EQ(allowed_transitions("cancelled"), std::vector<std::string>{"todo"});
}

TEST(Validation, NewTaskDefaultsAndFieldNamedErrors) {
  const Task task = parse_new_task({{"title", "Write docs"}, {"tags", {"a", "a", "b"}}});
  EXPECT_EQ(task.status, "todo");
  EXPECT_EQ(task.priority, "medium");
  EXPECT_EQ(task.tags, (std::vector<std::string>{"a", "b"}));
  const auto field_of = [](const json& body) {
    try {
      parse_new_task(body, "create[2].");
    } catch (const agent_host::HttpError& e) {
      EXPECT_EQ(e.status(), 400);
      return e.field();
    }
    return std::string("<accepted>");
  };
  EXPECT_EQ(field_of({{"title", "  "}}), "create[2].title");
  EXPECT_EQ(field_of({{"title", "x"}, {"colour", "red"}}), "create[2].colour");
  EXPECT_EQ(field_of({{"title", "x"}, {"priority", "whenever"}}), "create[2].priority");
  EXPECT_EQ(field_of({{"title", "x"}, {"tags", {1}}}), "create[2].tags[0]");
  EXPECT_EQ(field_of(json::array()), "create[2]");
}

}  // namespace
}  // namespace task_manager
