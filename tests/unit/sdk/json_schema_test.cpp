// agent_host/json_schema.hpp: the one valijson wrapper, explained problems.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <agent_host/json_schema.hpp>
#include <atomic>
#include <thread>

namespace {

using agent_host::JsonSchema;
using nlohmann::json;
using ::testing::HasSubstr;

const JsonSchema kTask(json::parse(R"({
  "type": "object", "additionalProperties": false, "required": ["title"],
  "properties": {
    "title": {"type": "string", "minLength": 1, "maxLength": 10, "description": "what to do"},
    "status": {"type": "string", "enum": ["todo", "done"]},
    "priority": {"type": "integer", "minimum": 1, "maximum": 4},
    "tags": {"type": "array", "items": {"type": "string", "pattern": "^[a-z]+$"}}}
})"));

TEST(JsonSchema, ValidDocumentHasNoProblems) {
  EXPECT_TRUE(kTask.validate({{"title", "x"}, {"tags", {"a", "b"}}}).empty());
  EXPECT_TRUE(kTask.accepts({{"title", "x"}}));
  EXPECT_FALSE(kTask.accepts({{"title", 3}}));
}

TEST(JsonSchema, NamesTheFieldAndQuotesTheRule) {
  const auto missing = kTask.validate(json::object());
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].path, "title");
  EXPECT_EQ(missing[0].message, "required key is missing");
  EXPECT_EQ(missing[0].suggestion, "add it: what to do");

  const auto too_long = kTask.validate({{"title", "much too long"}});
  ASSERT_EQ(too_long.size(), 1u);
  EXPECT_EQ(too_long[0].message, "must be at most 10 characters long, got \"much too long\"");

  const auto wrong_type = kTask.validate({{"title", 5}});
  ASSERT_EQ(wrong_type.size(), 1u);
  EXPECT_EQ(wrong_type[0].message, "expected a string, got an integer (5)");

  const auto high = kTask.validate({{"title", "x"}, {"priority", 9}});
  ASSERT_EQ(high.size(), 1u);
  EXPECT_EQ(high[0].path, "priority");
  EXPECT_EQ(high[0].message, "must be at most 4, got 9");
}

TEST(JsonSchema, PathsIntoArraysAndUnderAPrefix) {
  const auto problems = kTask.validate({{"title", "x"}, {"tags", {"ok", "NO"}}}, "body");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].path, "body.tags[1]");
  EXPECT_THAT(problems[0].message, HasSubstr("does not match the pattern ^[a-z]+$"));
}

TEST(JsonSchema, SuggestsNearMissKeysAndEnumValues) {
  const auto key = kTask.validate({{"titel", "x"}, {"title", "x"}});
  ASSERT_EQ(key.size(), 1u);
  EXPECT_EQ(key[0].path, "titel");
  EXPECT_EQ(key[0].message, "unknown key");
  EXPECT_EQ(key[0].suggestion, "did you mean 'title'?");

  const auto far = kTask.validate({{"zzzzzzzz", 1}, {"title", "x"}});
  ASSERT_EQ(far.size(), 1u);
  EXPECT_THAT(far[0].suggestion, HasSubstr("valid keys here: 'priority', 'status'"));

  const auto value = kTask.validate({{"title", "x"}, {"status", "dnoe"}});
  ASSERT_EQ(value.size(), 1u);
  EXPECT_EQ(value[0].message, "\"dnoe\" is not one of: todo, done");
  EXPECT_EQ(value[0].suggestion, "did you mean 'done'?");
}

TEST(JsonSchema, EveryProblemOnceSortedByPath) {
  const auto problems = kTask.validate({{"status", "x"}, {"priority", 0}});
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_EQ(problems[0].path, "priority");
  EXPECT_EQ(problems[1].path, "status");
  EXPECT_EQ(problems[2].path, "title");
}

TEST(JsonSchema, RefusesAnUnusableSchema) {
  EXPECT_THROW(JsonSchema(json{{"type", 12}}), agent_host::InvalidSchema);
  EXPECT_THROW(JsonSchema(json{{"type", 12}}), std::invalid_argument);
}

TEST(JsonSchema, ValidatesOnManyThreadsAtOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&wrong] {
      for (int i = 0; i < 200; ++i)
        if (kTask.validate({{"title", "x"}, {"tags", {"NO"}}}).size() != 1) ++wrong;
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(JsonSchema, RequireThrowsA400NamingTheFirstFieldInReadingOrder) {
  // Bad tags at [2] and [10]: [2] comes first when read, though not as text.
  const json tags = {"a", "b", "C", "d", "e", "f", "g", "h", "i", "j", "K"};
  try {
    kTask.require({{"title", "x"}, {"tags", tags}}, "create[2]");
    ADD_FAILURE() << "accepted";
  } catch (const agent_host::HttpError& error) {
    EXPECT_EQ(error.status(), 400);
    EXPECT_EQ(error.field(), "create[2].tags[2]");
    EXPECT_THAT(error.what(), HasSubstr("does not match the pattern"));
  }
  try {
    kTask.require(json::array());
    ADD_FAILURE() << "accepted";
  } catch (const agent_host::HttpError& error) {
    EXPECT_EQ(error.field(), "body");
    EXPECT_THAT(error.what(), HasSubstr("expected an object (key: value pairs), got an array"));
  }
  EXPECT_NO_THROW(kTask.require({{"title", "x"}}));
}

TEST(JsonSchema, ARepeatedItemIsNamedWithWhereItRepeats) {
  const JsonSchema formats(json::parse(R"({"type": "array", "uniqueItems": true,
                                           "items": {"type": "string"}})"));
  const auto twice = formats.validate(json{"html", "csv", "html"});
  ASSERT_EQ(twice.size(), 1u);
  EXPECT_EQ(twice[0].message, "lists \"html\" twice (items 0 and 2); list each once");
}

TEST(JsonSchema, AFalseSubschemaStillRefuses) {
  const JsonSchema never(json::parse(R"({"type": "object", "properties": {"x": false}})"));
  EXPECT_FALSE(never.validate({{"x", 1}}).empty());
  EXPECT_THROW(never.require({{"x", 1}}), agent_host::HttpError);
  EXPECT_NO_THROW(never.require({{"y", 1}}));
}

TEST(JsonSchema, AFormatOnAValueOfAnotherTypeIsAProblemNotAnException) {
  const JsonSchema when(json::parse(R"({"type": "object", "properties":
      {"at": {"type": ["string", "object"], "format": "date-time"}}})"));
  EXPECT_FALSE(when.accepts({{"at", {{"a", 1}}}}));
  EXPECT_FALSE(when.validate({{"at", {{"a", 1}}}}).empty());
  EXPECT_FALSE(when.accepts({{"at", "not a time"}}));  // checked by default
}

TEST(JsonSchema, AnnotationsLeaveFormatsOutEvenUnderPropertiesNamedLikeKeywords) {
  const json schema = json::parse(R"({"type": "object", "properties": {
      "enum": {"type": "string", "format": "date-time"},
      "format": {"type": "string", "format": "date-time"},
      "kind": {"enum": [{"format": "date-time"}]}}})");
  const JsonSchema annotated(schema, JsonSchema::Formats::annotations);
  EXPECT_TRUE(annotated.accepts({{"enum", "soon"}, {"format", "later"}}));
  EXPECT_TRUE(annotated.accepts({{"kind", {{"format", "date-time"}}}}));  // enum values untouched
  EXPECT_FALSE(annotated.accepts({{"enum", 5}}));                         // the type still counts
  EXPECT_EQ(annotated.schema(), schema);                                  // documented as given
}

TEST(PathOrder, IndexesCompareAsNumbers) {
  using agent_host::detail::path_less;
  EXPECT_TRUE(path_less("tags[2]", "tags[10]"));
  EXPECT_FALSE(path_less("tags[10]", "tags[2]"));
  EXPECT_TRUE(path_less("create[2].title", "create[10].id"));
  EXPECT_TRUE(path_less("tags", "tags[0]"));
  EXPECT_TRUE(path_less("a", "b"));
  EXPECT_FALSE(path_less("same", "same"));
}

TEST(NearestKey, SuggestsOnlyPlausibleTypos) {
  using agent_host::detail::nearest_key;
  EXPECT_EQ(nearest_key("htttp", {"http", "metrics", "log"}), "http");
  EXPECT_EQ(nearest_key("thread", {"address", "port", "threads"}), "threads");
  EXPECT_FALSE(nearest_key("zzzzzz", {"http", "metrics"}).has_value());
}

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  using agent_host::detail::edit_distance;
  EXPECT_EQ(edit_distance("http", "htttp"), 1u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
}

}  // namespace
