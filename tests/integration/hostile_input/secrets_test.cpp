// Secret values planted in the mounted secrets never leave the process: not
// in an answer, a stored run, a stored report in any format, or a log line,
// even when an error names the URL drawn from a secret.
#include <gtest/gtest.h>

#include <thread>

#include "shipped_host.hpp"

namespace agent_host::test {
namespace {

using nlohmann::json;

class Secrets : public ::testing::Test {
 protected:
  void SetUp() override {
    secrets_ = std::filesystem::temp_directory_path() /
               ("ah-secrets-" + std::to_string(getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
    // Nobody listens there: every LLM call fails, and its error names the URL.
    llm_url_ = "http://127.0.0.1:" + std::to_string(free_port()) + "/planted-llm-path-5e1f";
    plant("llm-config/url", llm_url_);
    plant("llm-config/ollama_url", llm_url_);
    plant("api-keys/webhook-secret", kWebhookSecret);
    plant("api-keys/webhook_secret", kWebhookSecret);
  }
  void TearDown() override { std::filesystem::remove_all(secrets_); }
  void plant(const std::string& name, const std::string& value) {
    std::filesystem::create_directories((secrets_ / name).parent_path());
    std::ofstream(secrets_ / name) << value << "\n";
  }
  void expect_clean(const std::string& what, const std::string& text) const {
    EXPECT_EQ(text.find("planted-llm-path-5e1f"), std::string::npos) << what << ": " << text;
    EXPECT_EQ(text.find(kWebhookSecret), std::string::npos) << what << ": " << text;
  }

  static constexpr const char* kWebhookSecret = "whsec-planted-9f8e7d6c";
  std::filesystem::path secrets_;
  std::string llm_url_;
};

TEST_F(Secrets, ErrorsThatNameASecretUrlAreRedactedEverywhere) {
  json config = all_in_one_test_config();
  config["secrets_dir"] = secrets_.string();
  HostProcess host(config);
  const std::string base = host.base_url();
  const std::vector<std::pair<std::string, std::string>> json_type = {
      {"content-type", "application/json"}};

  // A report whose LLM summary fails, in every stored format.
  const Reply report =
      http("POST", base + "/reporting/reports", R"({"period":"daily"})", json_type);
  ASSERT_EQ(report.status, 201) << report.body;
  expect_clean("POST /reporting/reports", report.body);
  const std::string id = report.json().at("id").get<std::string>();
  for (const char* format : {"html", "markdown", "json", "csv"})
    expect_clean(format, http("GET", base + "/reporting/reports/" + id + "?format=" + format).body);

  // A workflow run whose LLM step fails: the stored run and its answer.
  const Reply defined =
      http("POST", base + "/workflow/workflows",
           "name: ask\nsteps:\n  - id: s\n    type: llm\n    with: {prompt: hi}\n",
           {{"content-type", "application/yaml"}});
  ASSERT_EQ(defined.status, 201) << defined.body;
  const Reply started =
      http("POST", base + "/workflow/workflows/ask/runs", R"({"input":{}})", json_type);
  ASSERT_EQ(started.status, 202) << started.body;
  const std::string run = started.json().at("id").get<std::string>();
  Reply finished;
  for (int i = 0; i < 100; ++i) {
    finished = http("GET", base + "/workflow/runs/" + run);
    if (finished.json().value("status", "") == "failed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(finished.json().value("status", ""), "failed") << finished.body;
  EXPECT_NE(finished.body.find("REDACTED"), std::string::npos) << finished.body;
  expect_clean("GET /workflow/runs/{id}", finished.body);
  expect_clean("GET /workflow/runs", http("GET", base + "/workflow/runs").body);
  expect_clean("log", host.logs());
}

}  // namespace
}  // namespace agent_host::test
