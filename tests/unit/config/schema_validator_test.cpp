#include "config/schema_validator.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_error.hpp"

namespace agent_host::config {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

const json kSchema = json::parse(R"({
  "type": "object",
  "additionalProperties": false,
  "required": ["name"],
  "properties": {
    "name": {"type": "string", "minLength": 2, "maxLength": 5, "pattern": "^[a-z]+$",
             "description": "lower-case letters"},
    "count": {"type": "integer", "minimum": 1, "maximum": 10, "default": 3},
    "mode": {"enum": ["fast", "safe"], "default": "safe"},
    "tags": {"type": "array", "items": {"type": "string"}, "default": []},
    "nested": {"type": "object", "additionalProperties": false, "default": {},
               "properties": {"threads": {"type": "integer", "default": 2},
                              "deeper": {"type": "object", "default": {},
                                         "additionalProperties": false,
                                         "properties": {"flag": {"type": "boolean", "default": true}}}}},
    "map": {"type": "object", "default": {},
            "additionalProperties": {"type": "object", "additionalProperties": false,
                                     "properties": {"on": {"type": "boolean", "default": true}}}}
  }
})");

const Problem* find_problem(const std::vector<Problem>& problems, const std::string& path) {
  for (const Problem& problem : problems) {
    if (problem.path == path) return &problem;
  }
  return nullptr;
}

std::string all_paths(const std::vector<Problem>& problems) {
  std::string text;
  for (const Problem& p : problems) text += p.path + ": " + p.message + " (" + p.suggestion + ")\n";
  return text;
}

TEST(SchemaValidator, ValidDocumentHasNoProblems) {
  EXPECT_TRUE(validate_against_schema(kSchema, json{{"name", "abc"}, {"count", 4}}).empty());
}

TEST(SchemaValidator, WrongTypeNamesExpectedAndActual) {
  const auto problems = validate_against_schema(kSchema, json{{"name", "abc"}, {"count", "4"}});
  ASSERT_EQ(problems.size(), 1u) << all_paths(problems);
  EXPECT_EQ(problems[0].path, "count");
  EXPECT_THAT(problems[0].message, HasSubstr("expected an integer"));
  EXPECT_THAT(problems[0].message, HasSubstr("got a string (\"4\")"));
}

TEST(SchemaValidator, MissingRequiredKey) {
  const auto problems = validate_against_schema(kSchema, json::object());
  ASSERT_EQ(problems.size(), 1u) << all_paths(problems);
  EXPECT_EQ(problems[0].path, "name");
  EXPECT_THAT(problems[0].message, HasSubstr("required"));
  EXPECT_THAT(problems[0].suggestion, HasSubstr("lower-case letters"));
}

TEST(SchemaValidator, UnknownKeysAtSeveralDepthsGetSuggestions) {
  const json doc = json::parse(
      R"({"name": "abc", "cout": 2, "nested": {"thread": 1, "deeper": {"flg": false}},
          "map": {"x": {"of": true}}})");
  const auto problems = validate_against_schema(kSchema, doc);
  ASSERT_EQ(problems.size(), 4u) << all_paths(problems);
  const Problem* top = find_problem(problems, "cout");
  ASSERT_NE(top, nullptr);
  EXPECT_EQ(top->message, "unknown key");
  EXPECT_EQ(top->suggestion, "did you mean 'count'?");
  const Problem* nested = find_problem(problems, "nested.thread");
  ASSERT_NE(nested, nullptr);
  EXPECT_EQ(nested->suggestion, "did you mean 'threads'?");
  const Problem* deeper = find_problem(problems, "nested.deeper.flg");
  ASSERT_NE(deeper, nullptr);
  EXPECT_EQ(deeper->suggestion, "did you mean 'flag'?");
  const Problem* in_map = find_problem(problems, "map.x.of");
  ASSERT_NE(in_map, nullptr);
  EXPECT_EQ(in_map->suggestion, "did you mean 'on'?");
}

TEST(SchemaValidator, EveryUnknownKeyOfOneObjectIsReported) {
  const auto problems = validate_against_schema(
      kSchema, json{{"name", "abc"}, {"first_unknown", 1}, {"second_unknown", 2}});
  EXPECT_NE(find_problem(problems, "first_unknown"), nullptr) << all_paths(problems);
  EXPECT_NE(find_problem(problems, "second_unknown"), nullptr) << all_paths(problems);
}

TEST(SchemaValidator, FarOffUnknownKeyListsTheValidOnes) {
  const auto problems = validate_against_schema(kSchema, json{{"name", "abc"}, {"qqqqqqq", 1}});
  ASSERT_EQ(problems.size(), 1u) << all_paths(problems);
  EXPECT_THAT(problems[0].suggestion, HasSubstr("valid keys here: "));
  EXPECT_THAT(problems[0].suggestion, HasSubstr("'count'"));
}

TEST(SchemaValidator, EnumErrorListsAllowedValuesAndSuggests) {
  const auto problems = validate_against_schema(kSchema, json{{"name", "abc"}, {"mode", "fas"}});
  ASSERT_EQ(problems.size(), 1u) << all_paths(problems);
  EXPECT_EQ(problems[0].path, "mode");
  EXPECT_THAT(problems[0].message, HasSubstr("is not one of: fast, safe"));
  EXPECT_EQ(problems[0].suggestion, "did you mean 'fast'?");
}

TEST(SchemaValidator, BoundsLengthsAndPattern) {
  auto problems = validate_against_schema(kSchema, json{{"name", "abc"}, {"count", 11}});
  ASSERT_EQ(problems.size(), 1u) << all_paths(problems);
  EXPECT_EQ(problems[0].message, "must be at most 10, got 11");

  problems = validate_against_schema(kSchema, json{{"name", "abc"}, {"count", 0}});
  ASSERT_EQ(problems.size(), 1u) << all_paths(problems);
  EXPECT_EQ(problems[0].message, "must be at least 1, got 0");

  problems = validate_against_schema(kSchema, json{{"name", "a"}});
  ASSERT_EQ(problems.size(), 1u) << all_paths(problems);
  EXPECT_THAT(problems[0].message, HasSubstr("at least 2 characters"));

  problems = validate_against_schema(kSchema, json{{"name", "abcdef"}});
  ASSERT_EQ(problems.size(), 1u) << all_paths(problems);
  EXPECT_THAT(problems[0].message, HasSubstr("at most 5 characters"));

  problems = validate_against_schema(kSchema, json{{"name", "AB"}});
  ASSERT_EQ(problems.size(), 1u) << all_paths(problems);
  EXPECT_THAT(problems[0].message, HasSubstr("does not match the pattern"));
  EXPECT_EQ(problems[0].suggestion, "lower-case letters");
}

TEST(SchemaValidator, ArrayItemsAreCheckedWithIndexInPath) {
  const auto problems =
      validate_against_schema(kSchema, json{{"name", "abc"}, {"tags", json{"ok", 5}}});
  ASSERT_EQ(problems.size(), 1u) << all_paths(problems);
  EXPECT_EQ(problems[0].path, "tags[1]");
}

TEST(SchemaValidator, PrefixIsPutBeforeEveryPath) {
  const auto problems = validate_against_schema(kSchema, json{{"name", "abc"}, {"count", true}},
                                                "plugins.demo.config");
  ASSERT_EQ(problems.size(), 1u) << all_paths(problems);
  EXPECT_EQ(problems[0].path, "plugins.demo.config.count");
}

TEST(SchemaValidator, InvalidSchemaIsAConfigError) {
  EXPECT_THROW(SchemaValidator(json::parse(R"({"type": 5})")), ConfigError);
}

TEST(ApplyDefaults, FillsAbsentKeysRecursivelyIncludingDefaultedObjects) {
  json doc{{"name", "abc"}, {"map", {{"a", json::object()}}}};
  apply_defaults(kSchema, doc);
  EXPECT_EQ(doc["count"], 3);
  EXPECT_EQ(doc["mode"], "safe");
  EXPECT_EQ(doc["tags"], json::array());
  EXPECT_EQ(doc["nested"]["threads"], 2);
  EXPECT_EQ(doc["nested"]["deeper"]["flag"], true);
  EXPECT_EQ(doc["map"]["a"]["on"], true);
  EXPECT_TRUE(validate_against_schema(kSchema, doc).empty());
}

TEST(ApplyDefaults, KeepsGivenValuesAndTreatsNullAsAbsent) {
  json doc{{"name", "abc"}, {"count", 7}, {"nested", nullptr}};
  apply_defaults(kSchema, doc);
  EXPECT_EQ(doc["count"], 7);
  EXPECT_EQ(doc["nested"]["threads"], 2);
}

TEST(ApplyDefaults, LeavesWrongTypesForValidationToReport) {
  json doc{{"name", "abc"}, {"nested", 5}};
  apply_defaults(kSchema, doc);
  EXPECT_EQ(doc["nested"], 5);
  const auto problems = validate_against_schema(kSchema, doc);
  ASSERT_EQ(problems.size(), 1u) << all_paths(problems);
  EXPECT_EQ(problems[0].path, "nested");
}

}  // namespace
}  // namespace agent_host::config
