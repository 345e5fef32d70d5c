#include "llm/ollama_wire.hpp"

#include <gtest/gtest.h>

namespace agent_host::llm::wire {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

OllamaClient::Options defaults() {
  OllamaClient::Options options;
  options.url = "http://ollama:11434";
  options.model = "llama3.2:1b";
  return options;
}

GenerateCall expect_call(const json& request, const OllamaClient::Options& options = defaults()) {
  auto result = build_generate_call(request, options);
  if (auto* failure = std::get_if<Failure>(&result)) {
    ADD_FAILURE() << failure->message;
    return {};
  }
  return std::get<GenerateCall>(result);
}

Failure expect_refusal(const json& request, const OllamaClient::Options& options = defaults()) {
  auto result = build_generate_call(request, options);
  if (std::holds_alternative<GenerateCall>(result)) {
    ADD_FAILURE() << "accepted " << request.dump();
    return {};
  }
  return std::get<Failure>(result);
}

TEST(OllamaWireRequest, MinimalRequestUsesConfiguredDefaults) {
  const GenerateCall call = expect_call({{"prompt", "Summarise the week"}});
  EXPECT_EQ(call.body, json::parse(R"({"model":"llama3.2:1b","prompt":"Summarise the week",
                                       "stream":false,"options":{"num_ctx":4096}})"));
  EXPECT_EQ(call.timeout, 120000ms);
}

TEST(OllamaWireRequest, RequestOverridesDefaults) {
  const GenerateCall call = expect_call({{"prompt", "p"},
                                         {"model", "qwen2.5:0.5b"},
                                         {"system", "You are terse."},
                                         {"num_ctx", 8192},
                                         {"timeout_ms", 5000},
                                         {"options", {{"temperature", 0.2}, {"num_ctx", 1024}}}});
  EXPECT_EQ(call.body["model"], "qwen2.5:0.5b");
  EXPECT_EQ(call.body["system"], "You are terse.");
  EXPECT_EQ(call.body["stream"], false);
  EXPECT_EQ(call.body["options"]["num_ctx"], 8192);  // the top-level key wins
  EXPECT_EQ(call.body["options"]["temperature"], 0.2);
  EXPECT_EQ(call.timeout, 5000ms);
}

TEST(OllamaWireRequest, NumCtxFromOptionsWhenNotGivenOnTop) {
  const GenerateCall call = expect_call({{"prompt", "p"}, {"options", {{"num_ctx", 2048}}}});
  EXPECT_EQ(call.body["options"]["num_ctx"], 2048);
}

TEST(OllamaWireRequest, BadRequestsAreRefusedNamingTheKey) {
  struct Case {
    json request;
    std::string message;
  };
  const Case cases[] = {
      {json::array({"prompt"}), "must be a JSON object with at least \"prompt\""},
      {json::object(), "\"prompt\" is required and must be a string"},
      {{{"prompt", 42}}, "\"prompt\" is required and must be a string"},
      {{{"prompt", "p"}, {"temprature", 1}},
       "unknown key \"temprature\"; allowed: prompt, model, system, num_ctx, timeout_ms, options "
       "(put model parameters such as temperature under \"options\")"},
      {{{"prompt", "p"}, {"model", 3}}, "\"model\" must be a string"},
      {{{"prompt", "p"}, {"system", json::object()}}, "\"system\" must be a string"},
      {{{"prompt", "p"}, {"num_ctx", 0}}, "\"num_ctx\" must be a positive integer"},
      {{{"prompt", "p"}, {"num_ctx", "big"}}, "\"num_ctx\" must be a positive integer"},
      {{{"prompt", "p"}, {"timeout_ms", -5}}, "\"timeout_ms\" must be a positive integer"},
      {{{"prompt", "p"}, {"timeout_ms", 1.5}}, "\"timeout_ms\" must be a positive integer"},
      {{{"prompt", "p"}, {"options", json::array()}},
       "\"options\" must be a JSON object of Ollama model parameters"},
  };
  for (const Case& c : cases) {
    const Failure failure = expect_refusal(c.request);
    EXPECT_EQ(failure.status, AH_ERR_INVALID_ARGUMENT) << c.request.dump();
    EXPECT_EQ(failure.message, "llm_generate request: " + c.message) << c.request.dump();
  }
}

TEST(OllamaWireRequest, NoModelAnywhere) {
  OllamaClient::Options options = defaults();
  options.model.clear();
  const Failure failure = expect_refusal({{"prompt", "p"}}, options);
  EXPECT_EQ(failure.message,
            "llm_generate request: no model: pass \"model\" or set llm.model in the config");
}

TEST(OllamaWireReply, SuccessIsMappedToTheAbiShape) {
  const std::string body = R"({"model":"llama3.2:1b","created_at":"2025-01-01T12:00:00Z",
    "response":"Hello there","done":true,"done_reason":"stop","context":[1,2],
    "total_duration":5000000000,"load_duration":1000,"prompt_eval_count":12,
    "prompt_eval_duration":300,"eval_count":3,"eval_duration":4000})";
  const auto result = parse_generate_reply(200, body, "http://o/api/generate");
  ASSERT_TRUE(std::holds_alternative<json>(result));
  EXPECT_EQ(std::get<json>(result), json::parse(R"({"response":"Hello there",
    "model":"llama3.2:1b","created_at":"2025-01-01T12:00:00Z","done":true,"done_reason":"stop",
    "total_duration_ns":5000000000,"load_duration_ns":1000,"prompt_eval_count":12,
    "eval_count":3,"eval_duration_ns":4000})"));
}

TEST(OllamaWireReply, MissingStatisticsReadAsZero) {
  const auto result = parse_generate_reply(200, R"({"response":"x"})", "http://o/api/generate");
  ASSERT_TRUE(std::holds_alternative<json>(result));
  const json& reply = std::get<json>(result);
  EXPECT_EQ(reply["eval_count"], 0);
  EXPECT_EQ(reply["total_duration_ns"], 0);
  EXPECT_EQ(reply["done_reason"], "");
}

TEST(OllamaWireReply, ErrorsCarryOllamasMessageAndMapToStatuses) {
  struct Case {
    int http_status;
    ah_status status;
  };
  for (const Case c :
       {Case{404, AH_ERR_NOT_FOUND}, Case{400, AH_ERR_INVALID_ARGUMENT},
        Case{500, AH_ERR_UNAVAILABLE}, Case{503, AH_ERR_UNAVAILABLE}, Case{429, AH_ERR_UNAVAILABLE},
        Case{504, AH_ERR_TIMEOUT}, Case{401, AH_ERR_INTERNAL}}) {
    const auto result = parse_generate_reply(
        c.http_status, R"({"error":"model 'x' not found, try pulling it first"})",
        "http://o/api/generate");
    ASSERT_TRUE(std::holds_alternative<Failure>(result));
    const Failure& failure = std::get<Failure>(result);
    EXPECT_EQ(failure.status, c.status) << c.http_status;
    EXPECT_EQ(failure.message,
              "Ollama at http://o/api/generate: model 'x' not found, try pulling "
              "it first (HTTP " +
                  std::to_string(c.http_status) + ")");
  }
}

TEST(OllamaWireReply, NonJsonErrorBodyIsQuoted) {
  const auto result =
      parse_generate_reply(502, "<html>Bad Gateway</html>", "http://o/api/generate");
  ASSERT_TRUE(std::holds_alternative<Failure>(result));
  EXPECT_EQ(std::get<Failure>(result).message,
            "Ollama at http://o/api/generate: <html>Bad Gateway</html> (HTTP 502)");
}

TEST(OllamaWireReply, MalformedSuccessIsAnInternalError) {
  for (const std::string body : {"{not json", "[]", R"({"answer":"x"})", R"({"response":7})"}) {
    const auto result = parse_generate_reply(200, body, "http://o/api/generate");
    ASSERT_TRUE(std::holds_alternative<Failure>(result)) << body;
    const Failure& failure = std::get<Failure>(result);
    EXPECT_EQ(failure.status, AH_ERR_INTERNAL);
    EXPECT_NE(failure.message.find("is not a generate reply"), std::string::npos);
    EXPECT_NE(failure.message.find(body), std::string::npos);
  }
}

}  // namespace
}  // namespace agent_host::llm::wire
