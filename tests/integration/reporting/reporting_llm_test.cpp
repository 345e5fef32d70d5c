// The LLM summary through the real host's Ollama client against a test double
// speaking Ollama's wire format: a good answer, Ollama's error shapes, a
// malformed body, a timeout, and no LLM configured. The report always completes.
#include <gtest/gtest.h>

#include <host_process.hpp>
#include <ollama_double.hpp>

#include "report_documents.hpp"

namespace reporting {
namespace {

using agent_host::test::HostProcess;
using agent_host::test::http;
using agent_host::testing::OllamaDouble;
using nlohmann::json;

json plugins() {
  return {{"task-manager", {{"config", json::object()}}},
          {"workflow", {{"config", {{"definitions_dir", ""}}}}},
          {"reporting", {{"config", {{"summary", {{"num_ctx", 2048}, {"timeout_ms", 1000}}}}}}}};
}

class ReportingLlm : public ::testing::Test {
 protected:
  void SetUp() override {
    ollama_.set_response_text("Completion is steady; deploy-broken fails every run.");
    host_ = std::make_unique<HostProcess>(
        json{{"scheduler", {{"enabled", false}}},
             {"llm", {{"url", ollama_.url()}, {"model", OllamaDouble::kDefaultModel}}},
             {"plugins", plugins()}});
  }

  // Creates a daily report and returns {created answer, markdown}.
  std::pair<json, std::string> report() {
    auto reply = http("POST", host_->base_url() + "/reporting/reports",
                      json{{"period", "daily"}}.dump(), {{"content-type", "application/json"}});
    EXPECT_EQ(reply.status, 201) << reply.body;
    const json created = reply.json();
    const std::string md = http("GET", host_->base_url() + "/reporting/reports/" +
                                           created["id"].get<std::string>() + "?format=md")
                               .body;
    return {created, md};
  }

  OllamaDouble ollama_;
  std::unique_ptr<HostProcess> host_;
};

TEST_F(ReportingLlm, SummaryComesFromTheModelOverOllamasApi) {
  auto [created, md] = report();
  EXPECT_EQ(created["summary_status"], "generated");
  EXPECT_NE(md.find("Completion is steady; deploy-broken fails every run."), std::string::npos);
  const auto requests = ollama_.generate_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0]["stream"], false);
  EXPECT_EQ(requests[0]["model"], OllamaDouble::kDefaultModel);
  EXPECT_EQ(requests[0]["options"]["num_ctx"], 2048);
  EXPECT_NE(requests[0]["prompt"].get<std::string>().find("completion_rate"), std::string::npos);
  const std::string metrics = http("GET", host_->metrics_url()).body;
  EXPECT_NE(metrics.find("agent_reporting_llm_latency_seconds_count{outcome=\"ok\"} 1"),
            std::string::npos);
}

TEST_F(ReportingLlm, OllamaErrorsBecomeANoteAndTheReportCompletes) {
  ollama_.set_models({"some-other-model"});  // Ollama's 404 "model not found"
  auto [missing_model, md1] = report();
  EXPECT_EQ(missing_model["outcome"], "ok");
  EXPECT_EQ(missing_model["summary_status"], "unavailable");
  EXPECT_NE(md1.find("No summary: the language model is unavailable"), std::string::npos) << md1;
  EXPECT_NE(md1.find("not found"), std::string::npos) << md1;
  EXPECT_NE(md1.find("| Created |"), std::string::npos);

  ollama_.set_models({OllamaDouble::kDefaultModel});
  ollama_.fail_with(500, "llama runner process has terminated");
  auto [server_error, md2] = report();
  EXPECT_EQ(server_error["summary_status"], "unavailable");
  EXPECT_NE(md2.find("llama runner process has terminated"), std::string::npos) << md2;

  ollama_.reply_raw(200, "{\"model\": \"llama3.2:1b\", \"respo");
  auto [garbled, md3] = report();
  EXPECT_EQ(garbled["summary_status"], "unavailable");
  EXPECT_EQ(garbled["outcome"], "ok");
}

TEST_F(ReportingLlm, ASlowModelTimesOutWithANote) {
  ollama_.set_delay(std::chrono::milliseconds(3000));
  auto [created, md] = report();
  EXPECT_EQ(created["outcome"], "ok");
  EXPECT_EQ(created["summary_status"], "timeout") << created.dump();
  EXPECT_NE(md.find("No summary: the language model did not answer within 1 s"), std::string::npos)
      << md;
}

TEST(ReportingLlmMissing, NoLlmConfiguredGivesANote) {
  HostProcess host(json{{"scheduler", {{"enabled", false}}}, {"plugins", plugins()}});
  auto reply = http("POST", host.base_url() + "/reporting/reports",
                    json{{"period", "weekly"}}.dump(), {{"content-type", "application/json"}});
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.json()["summary_status"], "not_configured");
  const auto html =
      test::parse_html(http("GET", host.base_url() + "/reporting/reports/" +
                                       reply.json()["id"].get<std::string>() + "?format=html")
                           .body);
  EXPECT_NE(html.text.find("No summary: no language model is configured"), std::string::npos);
}

}  // namespace
}  // namespace reporting
