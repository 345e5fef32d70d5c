#include "router/route_pattern.hpp"

#include <gtest/gtest.h>

namespace agent_host::router {
namespace {

TEST(RoutePattern, MatchesLiteralsAndCapturesDecoded) {
  auto pattern = RoutePattern::parse("/tasks/{id}/transitions");
  Params params;
  ASSERT_TRUE(pattern.match("/tasks/a%20b/transitions", params));
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0].first, "id");
  EXPECT_EQ(params[0].second, "a b");
  params.clear();
  EXPECT_FALSE(pattern.match("/tasks/1", params));
  EXPECT_FALSE(pattern.match("/tasks/1/transitions/x", params));
  EXPECT_FALSE(pattern.match("/tasks//transitions", params));
  EXPECT_TRUE(params.empty());
}

TEST(RoutePattern, RootAndTrailingSlash) {
  auto root = RoutePattern::parse("/");
  Params params;
  EXPECT_TRUE(root.match("/", params));
  EXPECT_FALSE(root.match("/x", params));
  EXPECT_TRUE(RoutePattern::parse("/tasks").match("/tasks/", params));
}

TEST(RoutePattern, RejectsMalformedPatternsWithAReason) {
  for (const char* bad : {"tasks", "/a//b", "/{}", "/{id", "/a{id}", "/{a-b}", "/{id}/{id}"}) {
    try {
      RoutePattern::parse(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const RoutePatternError& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
}

TEST(RoutePattern, ShapeComparisonIgnoresCaptureNames) {
  EXPECT_TRUE(RoutePattern::parse("/t/{id}").same_shape(RoutePattern::parse("/t/{key}")));
  EXPECT_FALSE(RoutePattern::parse("/t/{id}").same_shape(RoutePattern::parse("/t/stats")));
  EXPECT_EQ(RoutePattern::parse("/t/stats").literal_count(), 2);
}

TEST(RoutePattern, TheRootRouteIsThePrefixItself) {
  EXPECT_EQ(public_path("/notes", "/"), "/notes");  // not "/notes/"
  EXPECT_EQ(public_path("/notes", "/{id}"), "/notes/{id}");
  EXPECT_EQ(public_path("/", "/tasks"), "/tasks");  // a plugin mounted at the root
  EXPECT_EQ(public_path("/", "/"), "/");
}

TEST(Query, DecodesPairsInOrderKeepingRepeats) {
  auto params = parse_query("a=1&b=x+y&a=2&flag&c=%2F%zz");
  ASSERT_EQ(params.size(), 5u);
  EXPECT_EQ(params[0], (std::pair<std::string, std::string>{"a", "1"}));
  EXPECT_EQ(params[1].second, "x y");
  EXPECT_EQ(params[2].second, "2");
  EXPECT_EQ(params[3], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(params[4].second, "/%zz");
  EXPECT_TRUE(parse_query("").empty());
}

}  // namespace
}  // namespace agent_host::router
