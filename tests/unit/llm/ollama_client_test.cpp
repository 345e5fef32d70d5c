#include "llm/ollama_client.hpp"

#include <gtest/gtest.h>

#include "ollama_double.hpp"

namespace agent_host::llm {
namespace {

using agent_host::testing::closed_loopback_port;
using agent_host::testing::OllamaDouble;
using nlohmann::json;
using namespace std::chrono_literals;

class OllamaClientTest : public ::testing::Test {
 protected:
  OllamaClient client_for(const std::string& url) {
    OllamaClient::Options options;
    options.url = url;
    options.model = OllamaDouble::kDefaultModel;
    options.num_ctx = 3072;
    return OllamaClient(options, http_);
  }

  static json expect_reply(const std::variant<json, Failure>& result) {
    if (const auto* failure = std::get_if<Failure>(&result)) {
      ADD_FAILURE() << failure->message;
      return {};
    }
    return std::get<json>(result);
  }

  static Failure expect_failure(const std::variant<json, Failure>& result) {
    if (const auto* reply = std::get_if<json>(&result)) {
      ADD_FAILURE() << "unexpected reply " << reply->dump();
      return {};
    }
    return std::get<Failure>(result);
  }

  http::Client http_;
  OllamaDouble ollama_;
};

TEST_F(OllamaClientTest, GeneratesAndSendsOllamasWireFormat) {
  ollama_.set_response_text("Three tasks are overdue.");
  const json reply = expect_reply(
      client_for(ollama_.url())
          .generate({{"prompt", "How many tasks are overdue?"}, {"system", "Be brief."}}));
  EXPECT_EQ(reply["response"], "Three tasks are overdue.");
  EXPECT_EQ(reply["model"], OllamaDouble::kDefaultModel);
  EXPECT_EQ(reply["done_reason"], "stop");
  EXPECT_EQ(reply["eval_count"], 4);
  EXPECT_EQ(reply["prompt_eval_count"], 5);
  EXPECT_GT(reply["total_duration_ns"].get<long long>(), 0);

  const auto sent = ollama_.generate_requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0], json::parse(R"({"model":"llama3.2:1b","prompt":"How many tasks are overdue?",
                                     "system":"Be brief.","stream":false,
                                     "options":{"num_ctx":3072}})"));
  const auto received = ollama_.requests();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].method, "POST");
  EXPECT_EQ(received[0].path, "/api/generate");
  EXPECT_EQ(received[0].header("content-type"), "application/json");
}

TEST_F(OllamaClientTest, RequestChoosesModelContextAndOptions) {
  ollama_.set_models({"llama3.2:1b", "qwen2.5:0.5b"});
  ollama_.set_responder(
      [](const json& request) { return "echo: " + request["prompt"].get<std::string>(); });
  const json reply = expect_reply(client_for(ollama_.url() + "/")
                                      .generate({{"prompt", "ping"},
                                                 {"model", "qwen2.5:0.5b"},
                                                 {"num_ctx", 8192},
                                                 {"options", {{"temperature", 0}}}}));
  EXPECT_EQ(reply["response"], "echo: ping");
  EXPECT_EQ(reply["model"], "qwen2.5:0.5b");
  const auto sent = ollama_.generate_requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["options"], json::parse(R"({"num_ctx":8192,"temperature":0})"));
}

TEST_F(OllamaClientTest, UnknownModelIsNotFoundWithOllamasMessage) {
  const Failure failure =
      expect_failure(client_for(ollama_.url()).generate({{"prompt", "p"}, {"model", "nope"}}));
  EXPECT_EQ(failure.status, AH_ERR_NOT_FOUND);
  EXPECT_EQ(failure.message, "Ollama at " + ollama_.url() +
                                 "/api/generate: model 'nope' not found, try pulling it first "
                                 "(HTTP 404)");
}

TEST_F(OllamaClientTest, ServerErrorIsUnavailable) {
  ollama_.fail_with(500, "llama runner process has terminated: signal: killed");
  const Failure failure = expect_failure(client_for(ollama_.url()).generate({{"prompt", "p"}}));
  EXPECT_EQ(failure.status, AH_ERR_UNAVAILABLE);
  EXPECT_NE(failure.message.find("llama runner process has terminated: signal: killed (HTTP 500)"),
            std::string::npos)
      << failure.message;
  ollama_.clear_failure();
  EXPECT_EQ(expect_reply(client_for(ollama_.url()).generate({{"prompt", "p"}}))["done"], true);
}

TEST_F(OllamaClientTest, MalformedReplyIsAnInternalError) {
  ollama_.reply_raw(200, "{\"response\": \"unterminated");
  const Failure failure = expect_failure(client_for(ollama_.url()).generate({{"prompt", "p"}}));
  EXPECT_EQ(failure.status, AH_ERR_INTERNAL);
  EXPECT_NE(failure.message.find("not a generate reply"), std::string::npos) << failure.message;
}

TEST_F(OllamaClientTest, SlowServerTimesOut) {
  ollama_.set_delay(1500ms);
  const Failure failure =
      expect_failure(client_for(ollama_.url()).generate({{"prompt", "p"}, {"timeout_ms", 200}}));
  EXPECT_EQ(failure.status, AH_ERR_TIMEOUT);
  EXPECT_NE(failure.message.find("timed out after 200 ms"), std::string::npos) << failure.message;
}

TEST_F(OllamaClientTest, UnreachableServerIsUnavailable) {
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_loopback_port());
  const Failure failure = expect_failure(client_for(url).generate({{"prompt", "p"}}));
  EXPECT_EQ(failure.status, AH_ERR_UNAVAILABLE);
  EXPECT_EQ(failure.message.rfind("Ollama request failed: POST " + url + "/api/generate failed", 0),
            0u)
      << failure.message;
}

TEST_F(OllamaClientTest, NotConfiguredIsUnsupported) {
  OllamaClient client = client_for("");
  EXPECT_FALSE(client.configured());
  const Failure failure = expect_failure(client.generate({{"prompt", "p"}}));
  EXPECT_EQ(failure.status, AH_ERR_UNSUPPORTED);
  EXPECT_EQ(failure.message,
            "LLM not configured: set llm.url in the config or the llm-config secret's url file");
  EXPECT_TRUE(ollama_.requests().empty());
}

TEST_F(OllamaClientTest, InvalidRequestIsRefusedBeforeAnyCall) {
  const Failure failure = expect_failure(client_for(ollama_.url()).generate({{"promt", "p"}}));
  EXPECT_EQ(failure.status, AH_ERR_INVALID_ARGUMENT);
  EXPECT_TRUE(ollama_.requests().empty());
}

// The double itself behaves like Ollama where clients could trip.
TEST_F(OllamaClientTest, DoubleStreamsUnlessToldNotTo) {
  http::Request request;
  request.method = "POST";
  request.url = ollama_.url() + "/api/generate";
  request.body = R"({"model":"llama3.2:1b","prompt":"hi"})";
  const auto result = http_.send(request);
  ASSERT_TRUE(std::holds_alternative<http::Response>(result));
  const auto& response = std::get<http::Response>(result);
  EXPECT_EQ(response.status, 200);
  EXPECT_GT(std::count(response.body.begin(), response.body.end(), '\n'), 1);
  request.url = ollama_.url() + "/api/tags";
  request.method = "GET";
  request.body.clear();
  const auto tags = http_.send(request);
  ASSERT_TRUE(std::holds_alternative<http::Response>(tags));
  EXPECT_EQ(json::parse(std::get<http::Response>(tags).body)["models"][0]["name"],
            OllamaDouble::kDefaultModel);
}

}  // namespace
}  // namespace agent_host::llm
