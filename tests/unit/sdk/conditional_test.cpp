// The If-Match / If-None-Match grammar and comparisons of agent_host/conditional.hpp
// (RFC 9110 §8.8.3, §13.1.1, §13.1.2); the routes are tested through the real host.
#include <gtest/gtest.h>

#include <agent_host/conditional.hpp>

namespace agent_host {
namespace {

std::vector<std::string> tags_of(std::string_view value) {
  std::vector<std::string> texts;
  const TagCondition condition = parse_tag_condition(value).value();
  for (const auto& tag : condition.tags) texts.push_back(tag.text());
  return texts;
}

TEST(TagCondition, ParsesStarAndLists) {
  EXPECT_TRUE(parse_tag_condition("*")->any);
  EXPECT_TRUE(parse_tag_condition("  * ")->any);
  EXPECT_EQ(tags_of("\"7\""), std::vector<std::string>{"\"7\""});
  EXPECT_EQ(tags_of("W/\"7\""), std::vector<std::string>{"W/\"7\""});
  EXPECT_EQ(tags_of("\"a\", W/\"b\",\"c\""),
            (std::vector<std::string>{"\"a\"", "W/\"b\"", "\"c\""}));
  EXPECT_EQ(tags_of(", \"a\" ,, \"b\","), (std::vector<std::string>{"\"a\"", "\"b\""}));
  EXPECT_EQ(tags_of("\"\""), std::vector<std::string>{"\"\""});
  EXPECT_EQ(tags_of("\"stale-version\""), std::vector<std::string>{"\"stale-version\""});
}

TEST(TagCondition, RefusesBrokenSyntax) {
  for (const char* broken : {"", " ", ",", "7", "\"7", "7\"", "w/\"7\"", "W/7", "*, \"1\"",
                             "\"1\" *", "\"a\" \"b\"", "\"a b\"", "\"1\";", "**"})
    EXPECT_FALSE(parse_tag_condition(broken).has_value()) << broken;
}

TEST(EntityTags, StrongAndWeakComparison) {
  const EntityTag strong1{"1", false}, weak1{"1", true}, strong2{"2", false};
  EXPECT_TRUE(strong1.strongly_matches(strong1));
  EXPECT_FALSE(weak1.strongly_matches(strong1));
  EXPECT_FALSE(strong1.strongly_matches(weak1));
  EXPECT_FALSE(weak1.strongly_matches(weak1));
  EXPECT_TRUE(weak1.weakly_matches(strong1));
  EXPECT_TRUE(weak1.weakly_matches(weak1));
  EXPECT_FALSE(strong1.weakly_matches(strong2));
}

TEST(Preconditions, BulkIfMatchNamesItsField) {
  const auto conditions = Preconditions::if_match(EntityTag::strong("3"), "update[2].if_match");
  EXPECT_EQ(conditions.require(EntityTag::strong("3"), Access::change), Precondition::proceed);
  try {
    conditions.require(EntityTag::strong("4"), Access::change);
    FAIL() << "a stale if_match passed";
  } catch (const HttpError& e) {
    EXPECT_EQ(e.status(), 412);
    EXPECT_EQ(e.field(), "update[2].if_match");
    EXPECT_EQ(e.body()["error"]["current_etag"], "\"4\"");
  }
}

}  // namespace
}  // namespace agent_host
