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

// The refusal of `body` as the third create of a bulk request: field and message.
std::pair<std::string, std::string> refusal_of_create(const json& body) {
  const json ok = {{"title", "ok"}};
  try {
    parse_bulk({{"create", {ok, ok, body}}});
  } catch (const agent_host::HttpError& e) {
    EXPECT_EQ(e.status(), 400);
    return {e.field(), e.what()};
  }
  return {"<accepted>", ""};
}

TEST(Validation, NewTaskDefaultsAndFieldNamedErrors) {
  const Task task = parse_new_task({{"title", "Write docs"}, {"tags", {"a", "a", "b"}}});
  EXPECT_EQ(task.status, "todo");
  EXPECT_EQ(task.priority, "medium");
  EXPECT_EQ(task.tags, (std::vector<std::string>{"a", "b"}));
  const auto field_of = [](const json& body) { return refusal_of_create(body).first; };
  EXPECT_EQ(field_of({{"title", "  "}}), "create[2].title");
  EXPECT_EQ(field_of({{"title", "x"}, {"colour", "red"}}), "create[2].colour");
  EXPECT_EQ(field_of({{"title", "x"}, {"priority", "whenever"}}), "create[2].priority");
  EXPECT_EQ(field_of({{"title", "x"}, {"tags", {1}}}), "create[2].tags[0]");
  EXPECT_EQ(field_of({{"title", "x"}, {"due_at", "tomorrow"}}), "create[2].due_at");
  EXPECT_EQ(field_of(json::array()), "create[2]");
  EXPECT_EQ(field_of({{"title", "x"}, {"due_at", "2026-12-31T17:00:00Z"}}), "<accepted>");
}

// The published schema (api_schemas) is what refuses: its words, its hints.
TEST(Validation, RefusalsSayWhatTheSchemaSaysWithAHint) {
  EXPECT_EQ(refusal_of_create({{"titel", "x"}}).second,
            "create[2].titel: unknown key; did you mean 'title'?");
  EXPECT_EQ(refusal_of_create({{"title", "x"}, {"priority", "hgih"}}).second,
            "create[2].priority: \"hgih\" is not one of: low, medium, high, urgent; did you "
            "mean 'high'?");
  const auto missing = refusal_of_create({{"description", "no title"}}).second;
  EXPECT_NE(missing.find("create[2].title: required key is missing"), std::string::npos)
      << missing;
  const auto too_many = refusal_of_create({{"title", "x"}, {"tags", json(21, "t")}}).second;
  EXPECT_NE(too_many.find("must have at most 20 items, got 21"), std::string::npos) << too_many;
  try {
    parse_changes({{"status", "done"}});
    ADD_FAILURE() << "a PATCH of status was accepted";
  } catch (const agent_host::HttpError& e) {
    EXPECT_EQ(e.field(), "status");
    EXPECT_NE(std::string(e.what()).find("/transitions"), std::string::npos) << e.what();
  }
}

// maxLength counts characters; the stored limits are bytes of UTF-8.
TEST(Validation, LimitsAreBytesOfUtf8) {
  std::string accents;
  for (int i = 0; i < 300; ++i) accents += "\xc3\xa9";  // 300 characters, 600 bytes
  const auto [field, message] = refusal_of_create({{"title", accents}});
  EXPECT_EQ(field, "create[2].title");
  EXPECT_NE(message.find("600 bytes of UTF-8; the limit is 500"), std::string::npos) << message;
  EXPECT_EQ(refusal_of_create({{"title", accents.substr(0, 500)}}).first, "<accepted>");
}

}  // namespace
}  // namespace task_manager
