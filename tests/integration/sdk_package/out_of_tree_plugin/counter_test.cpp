// The counter plugin against the installed SDK's fake host.
#include <gtest/gtest.h>

#include <agent_host/testing.hpp>

extern "C" const ah_plugin_descriptor* agent_host_plugin_entry(void);

namespace {

using agent_host::testing::FakeHost;
using agent_host::testing::StubResult;

class CounterPlugin : public ::testing::Test {
 protected:
  void start(nlohmann::json config = nlohmann::json::object()) {
    host_.add_plugin(agent_host_plugin_entry(), std::move(config));
    host_.start();
  }
  FakeHost host_;
};

TEST_F(CounterPlugin, IncrementCreatesThenAdds) {
  start({{"step", 2}});
  auto created = host_.post("/counter/counters/visits/increment", nlohmann::json::object());
  EXPECT_EQ(created.status, 201);
  EXPECT_EQ(created.json().at("value"), 2);
  auto added = host_.post("/counter/counters/visits/increment", {{"by", 5}});
  EXPECT_EQ(added.status, 200);
  EXPECT_EQ(added.json().at("value"), 7);
  EXPECT_EQ(host_.get("/counter/counters/visits").json().at("value"), 7);
  EXPECT_EQ(host_.metric("agent_counter_increments_total"), 2.0);
  EXPECT_EQ(host_.metric("agent_counter_counters"), 1.0);
}

TEST_F(CounterPlugin, SetIsAnsweredFromTheCommit) {
  start();
  auto created = host_.put("/counter/counters/level", {{"value", 40}});
  EXPECT_EQ(created.status, 201);
  auto changed = host_.put("/counter/counters/level", {{"value", 42}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_EQ(host_.get("/counter/counters/level").json().at("value"), 42);
  EXPECT_EQ(host_.metric("agent_counter_counters"), 1.0);
  auto bad = host_.put("/counter/counters/level", {{"value", "high"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "value");
}

TEST_F(CounterPlugin, UnknownCounterIs404AndABadAmountIs400) {
  start();
  EXPECT_EQ(host_.get("/counter/counters/none").status, 404);
  auto bad = host_.post("/counter/counters/x/increment", {{"by", -1}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json().at("error").at("field"), "by");
}

TEST_F(CounterPlugin, ReloadChangesTheStep) {
  start();
  host_.reload("counter", {{"step", 10}});
  EXPECT_EQ(
      host_.post("/counter/counters/x/increment", nlohmann::json::object()).json().at("value"), 10);
}

TEST_F(CounterPlugin, ResetJobSetsEveryCounterToZero) {
  start();
  host_.post("/counter/counters/a/increment", {{"by", 3}});
  host_.run_job("counter", "reset");
  EXPECT_EQ(host_.get("/counter/counters/a").json().at("value"), 0);
  ASSERT_FALSE(host_.logs().empty());
  EXPECT_EQ(host_.logs().back().message, "counters reset");
}

TEST_F(CounterPlugin, GreetingAsksTheHelloAgent) {
  host_.stub_agent("hello", [](const agent_host::testing::OutboundCall& call) {
    EXPECT_EQ(call.path, "/greet/ada");
    return StubResult::ok(200, {{"message", "Hello, ada!"}});
  });
  start();
  EXPECT_EQ(host_.get("/counter/greeting/ada").json().at("greeting"), "Hello, ada!");
}

TEST_F(CounterPlugin, GreetingIs502WhenHelloIsDown) {
  host_.stub_agent("hello",
                   [](const auto&) { return StubResult::fail(agent_host::Status::unavailable); });
  start();
  EXPECT_EQ(host_.get("/counter/greeting/ada").status, 502);
}

TEST_F(CounterPlugin, SummaryUsesTheLlmOr503WithoutOne) {
  start();
  EXPECT_EQ(host_.get("/counter/summary").status, 503);
  host_.stub_llm([](const nlohmann::json&) { return nlohmann::json{{"response", "All quiet."}}; });
  EXPECT_EQ(host_.get("/counter/summary").json().at("summary"), "All quiet.");
}

TEST_F(CounterPlugin, DeleteNeedsTheAdminTokenWhenTheSecretExists) {
  host_.set_secret("counter/admin-token", "s3cret");
  start();
  host_.post("/counter/counters/a/increment", nlohmann::json::object());
  EXPECT_EQ(host_.del("/counter/counters/a").status, 403);
  EXPECT_EQ(host_.del("/counter/counters/a", {{"x-admin-token", "s3cret"}}).status, 204);
  EXPECT_EQ(host_.get("/counter/counters/a").status, 404);
}

}  // namespace
