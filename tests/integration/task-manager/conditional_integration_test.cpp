// Conditional requests on the task routes over real HTTP against a real host
// (RFC 9110 §13): If-Match compares strongly, If-None-Match weakly; a
// well-formed tag that does not match is 412, only a malformed field is 400.
#include "task_manager_hosts.hpp"

namespace task_manager::integration {
namespace {

class Conditional : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    json config = task_manager_config("http://127.0.0.1:9");
    config["plugins"]["task-manager"]["config"]["events"]["enabled"] = false;
    host_ = new HostProcess(config);
  }
  static void TearDownTestSuite() {
    delete host_;
    host_ = nullptr;
  }
  // A new task at version 1 (ETag "1").
  static std::string task_url() {
    const Reply created = call("POST", host_->base_url() + "/task/tasks", {{"title", "tagged"}});
    EXPECT_EQ(created.status, 201) << created.body;
    return host_->base_url() + "/task/tasks/" + created.json()["id"].get<std::string>();
  }
  static Reply get(const std::string& url, const Headers& headers) {
    return call("GET", url, nullptr, headers);
  }
  static Reply patch(const std::string& url, const Headers& headers) {
    return call("PATCH", url, {{"priority", "high"}}, headers);
  }
  static std::string field(const Reply& reply) { return reply.json()["error"].value("field", ""); }
  static HostProcess* host_;
};
HostProcess* Conditional::host_ = nullptr;

TEST_F(Conditional, IfNoneMatchOnGetIsNotModifiedWhenAnyTagMatchesWeakly) {
  const std::string url = task_url();
  for (const char* value : {"\"1\"", "W/\"1\"", "\"9\", \"1\"", "*"}) {
    const Reply reply = get(url, {{"If-None-Match", value}});
    EXPECT_EQ(reply.status, 304) << value;
    EXPECT_EQ(reply.header("etag"), "\"1\"") << value;
    EXPECT_TRUE(reply.body.empty()) << value;
  }
  const Reply other = get(url, {{"If-None-Match", "\"9\", W/\"2\""}});
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.json()["version"], 1);
}

TEST_F(Conditional, IfMatchOnGetThatDoesNotMatchIs412) {
  const std::string url = task_url();
  EXPECT_EQ(get(url, {{"If-Match", "\"1\""}}).status, 200);
  const Reply stale = get(url, {{"If-Match", "\"2\""}});
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(field(stale), "If-Match");
}

TEST_F(Conditional, IfMatchWithATagThatIsNotOursIs412Not400) {
  const std::string url = task_url();
  const Reply reply = patch(url, {{"If-Match", "\"stale-version\""}});
  EXPECT_EQ(reply.status, 412) << reply.body;
  EXPECT_EQ(field(reply), "If-Match");
  EXPECT_EQ(reply.json()["error"]["current_etag"], "\"1\"");
  EXPECT_EQ(reply.json()["error"]["current_version"], 1);
}

TEST_F(Conditional, IfMatchComparesStronglySoAWeakTagNeverMatches) {
  const std::string url = task_url();
  EXPECT_EQ(patch(url, {{"If-Match", "W/\"1\""}}).status, 412);
  EXPECT_EQ(get(url, {}).json()["priority"], "medium");  // nothing written
}

TEST_F(Conditional, IfMatchStarOrAListContainingTheCurrentTagProceeds) {
  const std::string url = task_url();
  const Reply listed = patch(url, {{"If-Match", "\"7\", \"1\""}});
  EXPECT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.header("etag"), "\"2\"");
  const Reply star = call("PATCH", url, {{"priority", "low"}}, {{"If-Match", "*"}});
  EXPECT_EQ(star.status, 200) << star.body;
  EXPECT_EQ(star.header("etag"), "\"3\"");
}

TEST_F(Conditional, IfNoneMatchOnAChangeThatMatchesIs412) {
  const std::string url = task_url();
  for (const char* value : {"\"1\"", "W/\"1\"", "*"}) {
    const Reply reply = patch(url, {{"If-None-Match", value}});
    EXPECT_EQ(reply.status, 412) << value << ": " << reply.body;
    EXPECT_EQ(field(reply), "If-None-Match") << value;
  }
  EXPECT_EQ(patch(url, {{"If-None-Match", "\"5\""}}).status, 200);
}

TEST_F(Conditional, IfMatchIsEvaluatedBeforeIfNoneMatch) {
  const std::string url = task_url();
  const Reply both = patch(url, {{"If-Match", "\"9\""}, {"If-None-Match", "\"1\""}});
  EXPECT_EQ(both.status, 412);
  EXPECT_EQ(field(both), "If-Match");
  const Reply second = patch(url, {{"If-Match", "\"1\""}, {"If-None-Match", "\"1\""}});
  EXPECT_EQ(second.status, 412);
  EXPECT_EQ(field(second), "If-None-Match");
}

TEST_F(Conditional, OnlyAMalformedFieldIs400NamingTheHeader) {
  const std::string url = task_url();
  for (const char* value : {"1", "\"1", "*, \"1\"", "\"1\" \"2\"", "w/\"1\"", ","}) {
    const Reply match = patch(url, {{"If-Match", value}});
    EXPECT_EQ(match.status, 400) << "If-Match: " << value;
    EXPECT_EQ(field(match), "If-Match") << value;
    const Reply none = get(url, {{"If-None-Match", value}});
    EXPECT_EQ(none.status, 400) << "If-None-Match: " << value;
    EXPECT_EQ(field(none), "If-None-Match") << value;
  }
  EXPECT_EQ(get(url, {}).json()["version"], 1);
}

TEST_F(Conditional, DeleteAndTransitionsHonourIfMatch) {
  const std::string url = task_url();
  const Reply moved = call("POST", url + "/transitions", {{"to", "done"}}, {{"If-Match", "\"2\""}});
  EXPECT_EQ(moved.status, 412);
  EXPECT_EQ(call("POST", url + "/transitions", {{"to", "done"}}, {{"If-Match", "\"1\""}}).status,
            200);
  EXPECT_EQ(call("DELETE", url, nullptr, {{"If-Match", "\"1\""}}).status, 412);
  EXPECT_EQ(call("DELETE", url, nullptr, {{"If-Match", "\"2\""}}).status, 204);
}

TEST_F(Conditional, AnUnknownTaskIs404WhateverTheConditions) {
  const std::string url = host_->base_url() + "/task/tasks/0190a1b2-0000-7000-8000-000000000000";
  EXPECT_EQ(patch(url, {{"If-Match", "*"}}).status, 404);
  EXPECT_EQ(get(url, {{"If-None-Match", "*"}}).status, 404);
}

TEST_F(Conditional, BulkIfMatchIsAStrongCompareNamingTheItem) {
  const std::string url = task_url();
  const std::string id = url.substr(url.rfind('/') + 1);
  const Reply stale = call("POST", host_->base_url() + "/task/tasks/bulk",
                           {{"update", {{{"id", id}, {"if_match", 4}, {"title", "x"}}}}});
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_EQ(field(stale), "update[0].if_match");
  EXPECT_EQ(stale.json()["error"]["current_version"], 1);
}

}  // namespace
}  // namespace task_manager::integration
