// /openapi.json as client generators and gateways read it: the document the
// shipped all-in-one host serves, with API keys off and on, passes
// `swagger-cli validate` and `redocly lint` (its recommended rules) with no
// error, and with no warning but the ones docs/api-description.md justifies.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "shipped_host.hpp"

namespace agent_host::test {
namespace {

using nlohmann::json;

// Where tools/fetch-openapi-checkers.sh installed the two tools (fixture openapi_checkers).
const std::filesystem::path kCheckers(AH_OPENAPI_CHECKERS);

// Warnings of the recommended rules that stay, as "<rule> <where>", each
// justified in docs/api-description.md. Anything else fails the test.
const std::set<std::string> kJustifiedWarnings = {
    "info-license #/info",  // the product has no licence to name yet
    // The probes answer GET with 200 or 503 only; a 4xx would be invented.
    "operation-4xx-response #/paths/~1health/get/responses",
    "operation-4xx-response #/paths/~1healthz/get/responses",
    "operation-4xx-response #/paths/~1readyz/get/responses",
    // The same /health under each plugin's prefix.
    "operation-4xx-response #/paths/~1task~1health/get/responses",
    "operation-4xx-response #/paths/~1workflow~1health/get/responses",
    "operation-4xx-response #/paths/~1reporting~1health/get/responses",
    "operation-4xx-response #/paths/~1console~1health/get/responses",
    // The console's page answers GET with 200, or 308 to add the slash, only.
    "operation-4xx-response #/paths/~1console/get/responses",
};

struct ToolRun {
  int exit_code;
  std::string out;  // JSON, when asked for, stays parseable
  std::string err;
  std::string both() const { return out + err; }
};

// Runs `command` in `dir` with a 120 s limit.
ToolRun run_tool(const std::filesystem::path& dir, const std::string& command) {
  // Redocly phones home for telemetry and update notices unless told not to.
  const Command run = run_shell("cd '" + dir.string() +
                                "' && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true "
                                "NO_UPDATE_NOTIFIER=1 timeout -s KILL 120 " +
                                command + " 2>'" + (dir / "tool-stderr.txt").string() + "'");
  return {run.exit_code, run.output, read_text(dir / "tool-stderr.txt")};
}

// The served document in a file of `dir`, as the tools take it.
std::filesystem::path served_document(const HostProcess& host, const std::filesystem::path& dir) {
  const Reply reply = http("GET", host.base_url() + "/openapi.json");
  EXPECT_EQ(reply.status, 200);
  const auto file = dir / "openapi.json";
  std::ofstream(file) << json::parse(reply.body).dump(2);
  return file;
}

void expect_tools_accept(const HostProcess& host, const std::filesystem::path& dir) {
  const auto file = served_document(host, dir);

  const ToolRun validated =
      run_tool(dir, (kCheckers / "swagger-cli").string() + " validate " + file.string());
  EXPECT_EQ(validated.exit_code, 0) << validated.both();
  EXPECT_NE(validated.both().find("is valid"), std::string::npos) << validated.both();

  const ToolRun linted = run_tool(dir, (kCheckers / "redocly").string() + " lint " + file.string() +
                                           " --format json --extends recommended");
  const auto begin = linted.out.find('{');
  ASSERT_NE(begin, std::string::npos) << linted.both();
  const json report = json::parse(linted.out.substr(begin), nullptr, false,
                                  /*ignore_comments=*/false);
  ASSERT_FALSE(report.is_discarded()) << linted.both();
  EXPECT_EQ(report["totals"]["errors"], 0) << report["problems"].dump(2);
  EXPECT_EQ(linted.exit_code, 0) << linted.both();
  for (const auto& problem : report["problems"]) {
    const std::string where = problem["location"][0].value("pointer", "");
    EXPECT_TRUE(kJustifiedWarnings.count(problem.value("ruleId", "") + " " + where))
        << "unjustified " << problem.value("severity", "") << ": " << problem.dump(2);
  }
}

// What the issue asked of the document beyond the tools' rules.
void expect_complete(const json& document, bool api_keys) {
  EXPECT_EQ(document["openapi"], "3.1.0");
  ASSERT_TRUE(document["servers"].is_array());
  EXPECT_FALSE(document["servers"].empty());
  for (const auto& [path, item] : document["paths"].items())
    for (const auto& [method, operation] : item.items()) {
      SCOPED_TRACE(method + " " + path);
      EXPECT_TRUE(operation.contains("operationId"));
      EXPECT_FALSE(operation["responses"].contains("200") && method == "delete")
          << "a delete answers 204";
    }
  EXPECT_EQ(document.contains("components") && document["components"].contains("securitySchemes"),
            api_keys);
}

class OpenApiTools : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(kCheckers / "swagger-cli"))
        << "run tools/fetch-openapi-checkers.sh (CTest's openapi.fetch_checkers does)";
    ASSERT_TRUE(std::filesystem::exists(kCheckers / "redocly"));
    dir_ =
        std::filesystem::temp_directory_path() / ("ah-openapi-tools-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(OpenApiTools, TheShippedDocumentPassesBothTools) {
  HostProcess host(all_in_one_test_config());
  expect_tools_accept(host, dir_);
  expect_complete(http("GET", host.base_url() + "/openapi.json").json(), false);
}

TEST_F(OpenApiTools, WithApiKeysTheDocumentNamesTheBearerSchemeAndStillPasses) {
  std::ofstream(dir_ / "api-keys") << "openapi-tools-test-key\n";
  json config = all_in_one_test_config();
  config["auth"]["api_keys_file"] = (dir_ / "api-keys").string();
  HostProcess host(config);
  expect_tools_accept(host, dir_);
  const json document = http("GET", host.base_url() + "/openapi.json").json();
  expect_complete(document, true);
  EXPECT_EQ(document["security"], json::parse(R"([{"bearer":[]}])"));
  // Probes answer without a key, and the document says so.
  EXPECT_EQ(document["paths"]["/healthz"]["get"]["security"], json::array());
  EXPECT_TRUE(document["paths"]["/task/tasks"]["get"]["responses"].contains("401"));
}

TEST_F(OpenApiTools, TheCheckersFindABrokenDocument) {
  // The test cannot pass on a tool that accepts anything.
  std::ofstream(dir_ / "broken.json")
      << R"({"openapi":"3.1.0","info":{"title":"x"},"paths":{"/a":{"get":{"responses":{}}}}})";
  EXPECT_NE(
      run_tool(dir_, (kCheckers / "swagger-cli").string() + " validate broken.json").exit_code, 0);
  EXPECT_NE(run_tool(dir_, (kCheckers / "redocly").string() + " lint broken.json").exit_code, 0);
}

}  // namespace
}  // namespace agent_host::test
