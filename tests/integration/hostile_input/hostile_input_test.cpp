// Requests a client may send by mistake or on purpose: each is a 4xx that
// names what is wrong, never a 5xx, a crash or a hang, and the host goes on.
#include <gtest/gtest.h>

#include <random>

#include "shipped_host.hpp"

namespace agent_host::test {
namespace {

using nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

const Headers kJson = {{"content-type", "application/json"}};
const Headers kYaml = {{"content-type", "application/yaml"}};

class HostileInput : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { host_ = new HostProcess(all_in_one_test_config()); }
  static void TearDownTestSuite() {
    delete host_;
    host_ = nullptr;
  }
  static std::string url(const std::string& path) { return host_->base_url() + path; }

  // A 4xx with the one error shape, naming `field` when given.
  static json expect_refused(const Reply& reply, int status, const std::string& field = {}) {
    EXPECT_EQ(reply.status, status) << reply.body;
    json body = json::parse(reply.body, nullptr, false);
    EXPECT_TRUE(body.is_object() && body.contains("error")) << reply.body;
    if (!field.empty() && body.is_object()) {
      EXPECT_EQ(body["error"].value("field", ""), field) << reply.body;
    }
    return body;
  }
  static void expect_alive() {
    EXPECT_EQ(http("GET", url("/healthz"), {}, {}, std::chrono::milliseconds(5000)).status, 200);
    EXPECT_TRUE(host_->running());
  }
  static HostProcess* host_;
};
HostProcess* HostileInput::host_ = nullptr;

std::string alias_bomb(int levels) {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level < levels; ++level) {
    const std::string name(1, static_cast<char>('a' + level));
    const std::string previous(1, static_cast<char>('a' + level - 1));
    text += name + ": &" + name + " [";
    for (int i = 0; i < 9; ++i) text += (i ? ", *" : "*") + previous;
    text += "]\n";
  }
  return text;
}

TEST_F(HostileInput, YamlAliasesAreBoundedOnUpload) {
  expect_refused(http("POST", url("/workflow/workflows"), "a: &a [*a]", kYaml), 400, "body");
  const auto began = std::chrono::steady_clock::now();
  const json refused =
      expect_refused(http("POST", url("/workflow/workflows"), alias_bomb(9), kYaml), 400, "body");
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("aliases"), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(5));
  expect_alive();
}

TEST_F(HostileInput, AYamlStreamThatStallsTheParserIsA400OnUpload) {
  // yaml-cpp 0.7's LoadAll allocated without end on a stray comma after a flow
  // collection (found by the config_yaml fuzz harness).
  const auto began = std::chrono::steady_clock::now();
  expect_refused(http("POST", url("/workflow/workflows"), "[]\n,\n", kYaml), 400, "body");
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(5));
  expect_alive();
}

TEST_F(HostileInput, DeepJsonIsA400OnEveryRoute) {
  std::string deep;
  for (int i = 0; i < 47660; ++i) deep += R"({"a":)";
  deep += "1" + std::string(47660, '}');
  for (const char* path : {"/workflow/workflows", "/task/tasks", "/reporting/reports"})
    expect_refused(http("POST", url(path), deep, kJson), 400, "body");
  expect_alive();
}

TEST_F(HostileInput, TextThatIsNotUtf8IsA400NamingWhere) {
  expect_refused(http("GET", url("/task/tasks/%ff%fe")), 400, "path.id");
  expect_refused(http("GET", url("/task/tasks?q=%ff")), 400, "query.q");
  expect_refused(http("DELETE", url("/workflow/workflows/%C0%AF")), 400, "path.name");
  const std::string utf16 = std::string("\xff\xfe{\0\"\0t\0\"\0:\0\"\0x\0\"\0}\0", 18);
  expect_refused(http("POST", url("/task/tasks"), utf16, kJson), 400, "body");
  expect_refused(http("GET", url("/reporting/reports"), {}, {{"x-note", "caf\xe9"}}), 400,
                 "header.x-note");
  expect_alive();
}

TEST_F(HostileInput, NumbersOutOfRangeAreA400AndStayOutOfTheLog) {
  const std::string digits(100000, '7');
  for (const std::string& number : {std::string("1e999"), digits}) {
    const json body = expect_refused(
        http("POST", url("/task/tasks"), R"({"title":"n","priority":)" + number + "}", kJson), 400,
        "body");
    EXPECT_LT(body.dump().size(), 1000u);
  }
  EXPECT_EQ(host_->logs().find(digits.substr(0, 1000)), std::string::npos);
  expect_alive();
}

TEST_F(HostileInput, JsonRoutesRefuseOtherMediaTypes) {
  const std::string task = R"({"title":"from a form"})";
  for (const char* type :
       {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"})
    expect_refused(http("POST", url("/task/tasks"), task, {{"content-type", type}}), 415,
                   "content-type");
  for (const char* type : {"application/json", "application/json; charset=utf-8",
                           "Application/JSON", "application/merge-patch+json"}) {
    const Reply created = http("POST", url("/task/tasks"), task, {{"content-type", type}});
    EXPECT_EQ(created.status, 201) << type << ": " << created.body;
  }
}

// A bounded mutation fuzzer over real requests: no answer may be a 5xx.
TEST_F(HostileInput, MutatedRequestsNeverGetA5xx) {
  const std::vector<std::tuple<std::string, std::string, std::string>> seeds = {
      {"POST", "/task/tasks",
       R"({"title":"t","priority":"high","tags":["a"],"due_at":"2026-12-05T10:00:00Z"})"},
      {"PATCH", "/task/tasks/1", R"({"title":"u","assignee":"ada"})"},
      {"POST", "/task/tasks/1/transitions", R"({"to":"in_progress"})"},
      {"POST", "/workflow/workflows",
       R"({"name":"w","steps":[{"id":"s","type":"transform","with":{"x":1}}]})"},
      {"POST", "/workflow/workflows/review-finished-work/runs", R"({"input":{"task_id":"1"}})"},
      {"POST", "/reporting/reports", R"({"kind":"daily","at":"2026-12-04"})"},
      {"GET", "/task/tasks?limit=5&status=open&q=x", ""},
      {"GET", "/workflow/runs?limit=3&status=failed", ""},
  };
  std::mt19937 random(20261205);
  const std::string bytes = "{}[]\":,0123456789eE+-.\\ntfal\xff\xc0\x80%&?=/";
  int answered = 0;
  for (int round = 0; round < 600; ++round) {
    auto [method, path, body] = seeds[round % seeds.size()];
    std::string& target = (round % 3 == 0 && !body.empty()) ? body : path;
    for (int edits = 1 + static_cast<int>(random() % 4); edits > 0 && !target.empty(); --edits) {
      const size_t at = random() % target.size();
      const char byte = bytes[random() % bytes.size()];
      switch (random() % 3) {
        case 0:
          target[at] = byte;
          break;
        case 1:
          target.insert(at, 1, byte);
          break;
        default:
          target.erase(at, 1);
      }
    }
    if (path.empty() || path[0] != '/') path = "/" + path;
    const Reply reply = try_http(method, url(path), body, kJson, std::chrono::milliseconds(10000));
    if (reply.status == 0) continue;  // a request line the client library itself refused
    ++answered;
    EXPECT_LT(reply.status, 500) << method << " " << path << " " << body << " -> " << reply.body;
  }
  EXPECT_GT(answered, 500);
  EXPECT_EQ(host_->logs().find("escaped the plugin's handler"), std::string::npos);
  expect_alive();
}

}  // namespace
}  // namespace agent_host::test
