// The hello plugin through the fake host: routes, errors, metrics, config and
// reload, the heartbeat job and its log line.
#include <gtest/gtest.h>

#include <agent_host/testing.hpp>
#include <string>

extern "C" const ah_plugin_descriptor* agent_host_plugin_entry(void);

namespace {

using agent_host::testing::FakeHost;

class HelloPlugin : public ::testing::Test {
 protected:
  void start(nlohmann::json config = nlohmann::json::object()) {
    host_.add_plugin(agent_host_plugin_entry(), std::move(config));
    host_.start();
  }
  std::optional<double> greetings() const { return host_.metric("agent_hello_greetings_total"); }

  FakeHost host_;
};

TEST_F(HelloPlugin, GreetsWithTheConfiguredGreeting) {
  start({{"greeting", "Hi"}});
  const auto response = host_.get("/hello/greet/ada");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("content-type"), "application/json");
  EXPECT_EQ(response.json(), (nlohmann::json{{"message", "Hi, ada!"}}));
}

TEST_F(HelloPlugin, GreetingDefaultsToHello) {
  start();
  EXPECT_EQ(host_.get("/hello/greet/bob").json().at("message"), "Hello, bob!");
}

TEST_F(HelloPlugin, AcceptsANameOfSixtyFourCharacters) {
  start();
  EXPECT_EQ(host_.get("/hello/greet/" + std::string(64, 'a')).status, 200);
}

TEST_F(HelloPlugin, RefusesANameLongerThanSixtyFourCharactersNamingTheField) {
  start();
  const auto response = host_.get("/hello/greet/" + std::string(65, 'a'));
  ASSERT_EQ(response.status, 400);
  const auto error = response.json().at("error");
  EXPECT_EQ(error.at("field"), "name");
  EXPECT_EQ(error.at("code"), "invalid_field");
  EXPECT_NE(error.at("message").get<std::string>().find("64"), std::string::npos);
}

TEST_F(HelloPlugin, CountsAnsweredGreetingsOnly) {
  start();
  EXPECT_EQ(greetings(), 0.0);
  host_.get("/hello/greet/a");
  host_.get("/hello/greet/b");
  host_.get("/hello/greet/" + std::string(65, 'x'));  // refused: not a greeting
  EXPECT_EQ(greetings(), 2.0);
}

TEST_F(HelloPlugin, UnknownPathIs404AndWrongMethodIs405) {
  start();
  EXPECT_EQ(host_.get("/hello/nothing").status, 404);
  EXPECT_EQ(host_.post("/hello/greet/ada", nlohmann::json::object()).status, 405);
}

TEST_F(HelloPlugin, ReloadChangesTheGreeting) {
  start({{"greeting", "Hi"}});
  host_.reload("hello", {{"greeting", "Good morning"}});
  EXPECT_EQ(host_.get("/hello/greet/ada").json().at("message"), "Good morning, ada!");
}

TEST_F(HelloPlugin, ReloadWithAnInvalidSectionIsRefusedAndTheOldGreetingStays) {
  start({{"greeting", "Hi"}});
  EXPECT_THROW(host_.reload("hello", {{"greeting", ""}}), std::runtime_error);
  EXPECT_EQ(host_.get("/hello/greet/ada").json().at("message"), "Hi, ada!");
}

TEST_F(HelloPlugin, RefusesAnUnknownConfigKeyNamingIt) {
  try {
    start({{"greetin", "Hi"}});
    FAIL() << "an unknown key was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("greetin"), std::string::npos) << e.what();
  }
}

TEST_F(HelloPlugin, HeartbeatJobLogsThatThePluginIsAlive) {
  start({{"greeting", "Hey"}});
  const auto jobs = host_.jobs("hello");
  ASSERT_EQ(jobs, std::vector<std::string>{"heartbeat"});
  host_.run_job("hello", "heartbeat");
  bool found = false;
  for (const auto& line : host_.logs()) {
    if (line.message != "hello is alive") continue;
    found = true;
    EXPECT_EQ(line.plugin, "hello");
    EXPECT_EQ(line.level, agent_host::LogLevel::info);
    EXPECT_EQ(line.fields, (nlohmann::json{{"greeting", "Hey"}}));
  }
  EXPECT_TRUE(found) << "no 'hello is alive' log line after running the heartbeat job";
}

TEST_F(HelloPlugin, ReportsHealthyOnceStarted) {
  start();
  const auto health = host_.health();
  EXPECT_EQ(health.dump().find("failing"), std::string::npos) << health.dump();
}

}  // namespace
