// Every error body has one shape, whoever makes it (the host, a plugin's sync
// route, a plugin's async route): {"error":{...},"request_id":"..."} with the
// id the host assigned, which is also the X-Request-Id header. The real host
// runs the shipped all-in-one config.
#include <gtest/gtest.h>

#include "host_process.hpp"
#include "role_config.hpp"

namespace agent_host::test {
namespace {

class ErrorShape : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { host_ = new HostProcess(all_in_one_test_config()); }
  static void TearDownTestSuite() {
    delete host_;
    host_ = nullptr;
  }
  static void expect_shape(const std::string& method, const std::string& path,
                           const std::string& body, int status) {
    SCOPED_TRACE(method + " " + path);
    const Reply reply = http(method, host_->base_url() + path, body);
    ASSERT_EQ(reply.status, status) << reply.body;
    const auto parsed = nlohmann::json::parse(reply.body);
    ASSERT_TRUE(parsed.contains("error") && parsed["error"].is_object()) << reply.body;
    EXPECT_EQ(parsed["error"]["status"], status) << reply.body;
    EXPECT_TRUE(parsed["error"]["code"].is_string()) << reply.body;
    EXPECT_TRUE(parsed["error"]["message"].is_string()) << reply.body;
    ASSERT_TRUE(parsed.contains("request_id")) << reply.body;
    EXPECT_FALSE(reply.header("x-request-id").empty());
    EXPECT_EQ(parsed["request_id"], reply.header("x-request-id")) << reply.body;
  }
  static HostProcess* host_;
};
HostProcess* ErrorShape::host_ = nullptr;

TEST_F(ErrorShape, TheHostsOwnErrors) {
  expect_shape("GET", "/no-such-agent/x", "", 404);
  expect_shape("GET", "/docs/no-such-file.js", "", 404);
}

TEST_F(ErrorShape, ErrorsOfPluginSyncRoutes) {
  expect_shape("GET", "/task/tasks/0190a1b2-0000-7000-8000-000000000000", "", 404);
  expect_shape("GET", "/task/tasks?limit=0", "", 400);
  expect_shape("PATCH", "/task/tasks/x", "not json", 400);
  expect_shape("GET", "/workflow/workflows/no-such-workflow", "", 404);
  expect_shape("GET", "/workflow/runs?limit=abc", "", 400);
  expect_shape("GET", "/reporting/reports/no-such-report", "", 404);
  expect_shape("POST", "/reporting/reports", R"({"period":"hourly"})", 400);
}

TEST_F(ErrorShape, ErrorsOfPluginAsyncRoutes) {
  // POST /task/tasks answers from its commit (Host::route_deferred).
  expect_shape("POST", "/task/tasks", R"({"title":""})", 400);
  expect_shape("POST", "/task/tasks", R"({"title":"x","colour":"red"})", 400);
}

TEST_F(ErrorShape, AnIncomingRequestIdIsTheOneInTheBody) {
  const Reply reply = http("GET", host_->base_url() + "/task/tasks/unknown", "",
                           {{"X-Request-Id", "client-chosen-42"}});
  ASSERT_EQ(reply.status, 404);
  EXPECT_EQ(reply.json()["request_id"], "client-chosen-42") << reply.body;
}

}  // namespace
}  // namespace agent_host::test
