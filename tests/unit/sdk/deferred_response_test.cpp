// Host::route_deferred, DeferredResponse and Sql::transaction_async: answers given after
// the handler returned reach the client exactly once, failures become the
// same errors a plain route gives, and stopping waits for answers in flight.
#include <gtest/gtest.h>

#include <agent_host/sdk.hpp>
#include <agent_host/testing.hpp>
#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace {

using agent_host::DeferredResponse;
using agent_host::HttpError;
using agent_host::Request;
using agent_host::Response;
using agent_host::Transaction;
using namespace std::chrono_literals;

// Steps of the background chain /chain starts (read after the plugin is gone).
std::atomic<int> g_chain_steps{0};

class Later : public agent_host::Plugin {
 public:
  Later(agent_host::Host& host, const nlohmann::json& /*config*/) : Plugin(host) {
    host.sql().migrate({"CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT UNIQUE NOT NULL)"});
    // Writes through the writer thread and answers from the commit.
    host.route_deferred(
        "POST", "/notes", "Stores a note",
        [&host](const Request& request, DeferredResponse response) {
          const auto body = request.json_body();
          const std::string text = body.value("text", "");
          if (text.empty()) throw HttpError::bad_request("text", "text is required");
          auto id = std::make_shared<int64_t>(0);
          host.sql().transaction_async(
              [text, id](Transaction& tx) {
                if (text == "forbidden") throw HttpError(403, "forbidden", "not this one", "text");
                const auto rows =
                    tx.query("INSERT INTO note (text) VALUES ($1) RETURNING id", {text});
                *id = rows.at(0).at("id").get<int64_t>();
              },
              [response, id](std::exception_ptr failure) {
                if (failure)
                  response.fail(failure);
                else
                  response.send(Response::json({{"id", *id}}, 201));
              });
        },
        agent_host::RouteMode::non_blocking);
    // Answers from a thread of its own, after the handler returned.
    host.route_deferred("GET", "/slow", "Answers after a while",
                        [](const Request&, DeferredResponse response) {
                          std::thread([response] {
                            std::this_thread::sleep_for(300ms);
                            response.send(Response::json({{"slow", true}}));
                          }).detach();
                        });
    // Answers at once and leaves writes behind, each queued by the last one's `done`.
    host.route("POST", "/chain", "Starts a chain of writes", [this](const Request&) {
      g_chain_steps = 0;
      chain(100);
      return Response::json({{"started", true}}, 202);
    });
    host.route_deferred("GET", "/dropped", "Never answers",
                        [](const Request&, DeferredResponse) {});
    host.route_deferred("GET", "/throws", "Throws before answering",
                        [](const Request&, DeferredResponse) -> void {
                          throw HttpError(418, "teapot", "short and stout", "kettle");
                        });
    host.route_deferred("GET", "/twice", "Answers twice",
                        [](const Request&, DeferredResponse response) {
                          const bool first = response.send(Response::json({{"first", true}}));
                          const bool second = response.send(Response::json({{"first", false}}));
                          if (!first || second)
                            throw std::logic_error("only the first answer may count");
                        });
  }

 private:
  void chain(int left) {
    host().sql().transaction_async(
        [](Transaction& tx) {
          std::this_thread::sleep_for(1ms);  // the chain outlasts the start of stop()
          tx.query("INSERT INTO note (text) VALUES (hex(randomblob(8)))");
        },
        [this, left](std::exception_ptr failure) {
          if (failure) return;
          ++g_chain_steps;
          if (left > 1) chain(left - 1);
        });
  }
};

}  // namespace

AGENT_HOST_PLUGIN(Later, "later", "1.0.0", "/later", "Answers after returning", "{}")

namespace {

using agent_host::testing::FakeHost;

class DeferredResponses : public ::testing::Test {
 protected:
  DeferredResponses() {
    host_.add_plugin(agent_host_plugin_entry());
    host_.start();
  }
  FakeHost host_;
};

TEST_F(DeferredResponses, AnAnswerFromTheCommitCarriesWhatTheCommitDid) {
  const auto first = host_.post("/later/notes", {{"text", "a"}});
  const auto second = host_.post("/later/notes", {{"text", "b"}});
  ASSERT_EQ(first.status, 201) << first.body;
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(first.json()["id"], 1);
  EXPECT_EQ(second.json()["id"], 2);
  EXPECT_TRUE(first.header("x-request-id").has_value());
}

TEST_F(DeferredResponses, FailuresAreAnsweredLikeAPlainRouteWouldAndWriteNothing) {
  const auto invalid = host_.post("/later/notes", nlohmann::json::object());
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(invalid.json()["error"]["field"], "text");

  const auto refused_in_body = host_.post("/later/notes", {{"text", "forbidden"}});
  EXPECT_EQ(refused_in_body.status, 403);
  EXPECT_EQ(refused_in_body.json()["error"]["code"], "forbidden");

  ASSERT_EQ(host_.post("/later/notes", {{"text", "once"}}).status, 201);
  const auto duplicate = host_.post("/later/notes", {{"text", "once"}});
  EXPECT_EQ(duplicate.status, 500)
      << "a constraint the body did not expect is the plugin's failure";
  EXPECT_TRUE(duplicate.json()["request_id"].is_string());

  const auto next = host_.post("/later/notes", {{"text", "after"}});
  ASSERT_EQ(next.status, 201);
  EXPECT_EQ(next.json()["id"], 2) << "the refused and failed writes left no rows behind";
}

TEST_F(DeferredResponses, AThrowBeforeAnsweringIsTheThrownError) {
  const auto response = host_.get("/later/throws");
  EXPECT_EQ(response.status, 418);
  EXPECT_EQ(response.json()["error"]["field"], "kettle");
}

TEST_F(DeferredResponses, ADeferredResponseDroppedUnansweredGivesA500NotAHang) {
  const auto response = host_.get("/later/dropped");
  EXPECT_EQ(response.status, 500);
  EXPECT_NE(response.json()["error"]["message"].get<std::string>().find("later plugin failed"),
            std::string::npos);
}

TEST_F(DeferredResponses, OnlyTheFirstAnswerCounts) {
  const auto response = host_.get("/later/twice");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.json()["first"], true);
}

TEST_F(DeferredResponses, StoppingWaitsForAnAnswerStillOnItsWay) {
  auto pending = std::async(std::launch::async, [this] { return host_.get("/later/slow"); });
  std::this_thread::sleep_for(50ms);  // the handler has returned; the answer is 250 ms away
  const auto stop_began = std::chrono::steady_clock::now();
  host_.stop();
  const auto stopping = std::chrono::steady_clock::now() - stop_began;
  const auto response = pending.get();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.json()["slow"], true);
  EXPECT_GE(stopping, 150ms) << "the plugin was destroyed with an answer in flight";
}

TEST_F(DeferredResponses, StoppingWaitsForWritesThatQueueTheNextWrite) {
  ASSERT_EQ(host_.post("/later/chain", nlohmann::json::object()).status, 202);
  host_.stop();  // must neither deadlock nor destroy the plugin under a `done`
  EXPECT_EQ(g_chain_steps.load(), 100);
}

}  // namespace
