// The workflow agent end to end: real host processes, real HTTP targets, the
// Ollama double, restarts without Redis, two hosts sharing one Redis, and a
// Redis that requires a password from a mounted secret.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <host_process.hpp>
#include <loopback_http_server.hpp>
#include <mutex>
#include <ollama_double.hpp>
#include <redis_server.hpp>
#include <set>
#include <sstream>
#include <thread>

namespace {

using agent_host::test::HostProcess;
using agent_host::test::http;
using agent_host::testing::CannedResponse;
using agent_host::testing::LoopbackHttpServer;
using agent_host::testing::ReceivedRequest;
using nlohmann::json;

json workflow_config(json plugin_config, json extra = json::object()) {
  plugin_config["definitions_dir"] = "";
  json config = {{"plugins", {{"workflow", {{"config", plugin_config}}}}}};
  config.update(extra);
  return config;
}

void define(const HostProcess& host, const std::string& yaml) {
  auto reply = http("POST", host.base_url() + "/workflow/workflows", yaml,
                    {{"content-type", "application/yaml"}});
  ASSERT_TRUE(reply.status == 201 || reply.status == 200) << reply.body;
}

std::string start_run(const HostProcess& host, const std::string& name,
                      const json& input = json::object()) {
  auto reply = http("POST", host.base_url() + "/workflow/workflows/" + name + "/runs",
                    json{{"input", input}}.dump(), {{"content-type", "application/json"}});
  if (reply.status != 202) {
    const std::string logs = host.logs();
    ADD_FAILURE() << reply.body << "\nlog tail:\n"
                  << logs.substr(logs.size() > 3000 ? logs.size() - 3000 : 0);
  }
  return reply.json().value("id", "");
}

bool terminal(const std::string& s) {
  return s == "succeeded" || s == "failed" || s == "cancelled" || s == "timed_out";
}

json wait_for(const HostProcess& host, const std::string& id, const std::string& wanted = "",
              std::chrono::seconds limit = std::chrono::seconds(30)) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  json run;
  while (std::chrono::steady_clock::now() < give_up) {
    auto reply = agent_host::test::try_http("GET", host.base_url() + "/workflow/runs/" + id);
    if (reply.status == 200) {
      run = reply.json();
      const std::string s = run.value("status", "");
      if (wanted.empty() ? terminal(s) : s == wanted) return run;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "run " << id << " did not reach " << (wanted.empty() ? "a final state" : wanted)
                << ": " << run.dump();
  return run;
}

// Sum of a metric's series whose labels contain every `labels` fragment.
double metric(const HostProcess& host, const std::string& name,
              const std::vector<std::string>& labels = {}) {
  auto reply = http("GET", host.metrics_url());
  std::istringstream lines(reply.body);
  double total = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(name, 0) != 0 ||
        (line.size() > name.size() && line[name.size()] != '{' && line[name.size()] != ' '))
      continue;
    bool all = true;
    for (const auto& l : labels) all = all && line.find(l) != std::string::npos;
    if (all) total += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return total;
}

TEST(WorkflowIntegration, HttpStepAgainstARealServerRetriesAndTimesOut) {
  std::mutex mutex;
  int flaky_calls = 0;
  LoopbackHttpServer server([&](const ReceivedRequest& request) {
    if (request.path == "/slow")
      return CannedResponse{200, "{}", "application/json", {}, std::chrono::milliseconds(1500)};
    std::lock_guard<std::mutex> lock(mutex);
    if (++flaky_calls < 3)
      return CannedResponse{503, R"({"error":"busy"})", "application/json", {}, {}};
    return CannedResponse{200, R"({"id": 41})", "application/json", {}, {}};
  });
  HostProcess host(workflow_config({{"workers", 2}}));
  define(host,
         "name: fetch\nsteps:\n  - {id: get, type: http, with: {url: '" + server.base_url() +
             "/item'}, retry: {max_attempts: 3, initial: 20ms, max: 100ms}}\n"
             "  - {id: next, type: transform, with: {value: '{{ steps.get.output.body.id }}'}}\n");
  json run = wait_for(host, start_run(host, "fetch"));
  EXPECT_EQ(run["status"], "succeeded") << run.dump();
  EXPECT_EQ(run["output"], 41);
  EXPECT_EQ(run["steps"][0]["attempts"].size(), 3u);

  define(host, "name: slow\nsteps:\n  - {id: get, type: http, with: {url: '" + server.base_url() +
                   "/slow'}, timeout: 200ms, retry: {max_attempts: 2, initial: 10ms}}\n");
  json slow = wait_for(host, start_run(host, "slow"));
  EXPECT_EQ(slow["status"], "failed") << slow.dump();
  EXPECT_EQ(slow["error"]["code"], "timeout");
  EXPECT_EQ(slow["steps"][0]["attempts"].size(), 2u);

  define(host, "name: capped\ntimeout: 300ms\nsteps:\n  - {id: get, type: http, with: {url: '" +
                   server.base_url() + "/slow'}, timeout: 10s}\n");
  json capped = wait_for(host, start_run(host, "capped"));
  EXPECT_EQ(capped["status"], "timed_out") << capped.dump();
}

TEST(WorkflowIntegration, LlmStepThroughTheHostAgainstTheOllamaDouble) {
  agent_host::testing::OllamaDouble ollama;
  ollama.set_responder([](const json& request) { return "echo: " + request.value("prompt", ""); });
  HostProcess host(workflow_config(
      {{"workers", 1}},
      {{"llm",
        {{"url", ollama.url()}, {"model", agent_host::testing::OllamaDouble::kDefaultModel}}}}));
  define(host,
         "name: ask\nsteps: [{id: ask, type: llm, with: {prompt: 'Hello {{ input.name }}'}}]\n");
  json run = wait_for(host, start_run(host, "ask", {{"name", "Ada"}}));
  EXPECT_EQ(run["status"], "succeeded") << run.dump();
  EXPECT_EQ(run["output"]["response"], "echo: Hello Ada");
  ASSERT_EQ(ollama.generate_requests().size(), 1u);
  EXPECT_GE(metric(host, "agent_workflow_llm_inference_seconds_count"), 1.0);
}

TEST(WorkflowIntegration, WithoutRedisUnfinishedRunsResumeAfterAKill) {
  LoopbackHttpServer server([](const ReceivedRequest&) {
    return CannedResponse{
        200, R"({"ok": true})", "application/json", {}, std::chrono::milliseconds(800)};
  });
  HostProcess host(workflow_config({{"workers", 2}}));
  define(host,
         "name: pause\nsteps: [{id: wait, type: delay, with: {duration: 1500ms}}, {id: done, type: "
         "transform, "
         "with: {value: resumed}}]\n");
  define(host, "name: call\nsteps: [{id: get, type: http, with: {url: '" + server.base_url() +
                   "/x'}}, {id: done, type: transform, with: {value: called}}]\n");
  // Held behind the first run's slot: accepted (202) but never claimed in storage.
  define(host, "name: one\nconcurrency: 1\nsteps: [{id: get, type: http, with: {url: '" +
                   server.base_url() + "/y'}}]\n");
  const std::string waiting = start_run(host, "pause");
  const std::string running = start_run(host, "call");
  const std::string holder = start_run(host, "one");
  wait_for(host, holder, "running");
  const std::string queued = start_run(host, "one");
  wait_for(host, waiting, "waiting");
  wait_for(host, running, "running");
  wait_for(host, queued, "queued");
  host.kill9();
  host.start();
  host.wait_ready(std::chrono::seconds(20));
  EXPECT_EQ(wait_for(host, waiting)["output"], "resumed");
  EXPECT_EQ(wait_for(host, running)["output"], "called");
  EXPECT_EQ(wait_for(host, holder)["status"], "succeeded");
  EXPECT_EQ(wait_for(host, queued)["status"], "succeeded");
}

class SharedRedis : public ::testing::Test {
 protected:
  json config(int workers = 2) {
    return workflow_config(
        {{"workers", workers}, {"redis", {{"url", redis_.url()}, {"claim_idle_ms", 1000}}}});
  }
  agent_host::test::RedisServer redis_;
};

TEST_F(SharedRedis, TwoHostsShareTheWorkAndEveryRunRunsOnce) {
  HostProcess a(config()), b(config());
  define(a,
         "name: noop\nsteps: [{id: a, type: transform, with: {value: '{{ input.n }}'}}, {id: b, "
         "type: delay, with: "
         "{duration: 20ms}}]\n");
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) ids.push_back(start_run(i % 2 ? a : b, "noop", {{"n", i}}));
  for (size_t i = 0; i < ids.size(); ++i) {
    json run = wait_for(i % 2 ? b : a, ids[i]);  // any replica answers for any run
    EXPECT_EQ(run["status"], "succeeded");
    EXPECT_EQ(run["steps"][0]["output"], static_cast<int>(i));
  }
  const double on_a = metric(a, "agent_workflow_runs_total", {"status=\"succeeded\""});
  const double on_b = metric(b, "agent_workflow_runs_total", {"status=\"succeeded\""});
  EXPECT_EQ(on_a + on_b, 40.0);  // each run finished exactly once
  EXPECT_GT(on_a, 0.0);
  EXPECT_GT(on_b, 0.0);
  auto listed = http("GET", b.base_url() + "/workflow/runs?workflow=noop&limit=500").json();
  EXPECT_EQ(listed["items"].size(), 40u);
  EXPECT_EQ(http("GET", a.base_url() + "/workflow/stats").json()["by_status"]["succeeded"], 40);
}

TEST_F(SharedRedis, AStartOnAnotherReplicaUsesTheNewestVersion) {
  HostProcess a(config()), b(config());
  define(a, "name: ver\nsteps: [{id: a, type: transform, with: {value: one}}]\n");
  EXPECT_EQ(wait_for(b, start_run(b, "ver"))["output"], "one");  // b caches version 1
  define(a, "name: ver\nsteps: [{id: a, type: transform, with: {value: two}}]\n");
  EXPECT_EQ(wait_for(b, start_run(b, "ver"))["output"], "two");  // the store refused the stale one
  ASSERT_EQ(http("DELETE", a.base_url() + "/workflow/workflows/ver").status, 204);
  auto reply = http("POST", b.base_url() + "/workflow/workflows/ver/runs", R"({"input": {}})",
                    {{"content-type", "application/json"}});
  EXPECT_EQ(reply.status, 404) << reply.body;
}

TEST_F(SharedRedis, RunsOfAKilledHostAreReclaimedAndNoneIsLost) {
  std::mutex mutex;
  std::multiset<std::string> calls;
  LoopbackHttpServer server([&](const ReceivedRequest& request) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      calls.insert(request.query);
    }
    return CannedResponse{200, "{}", "application/json", {}, std::chrono::milliseconds(600)};
  });
  HostProcess a(config(4)), b(config(4));
  define(a, "name: slow\nsteps: [{id: get, type: http, with: {url: '" + server.base_url() +
                "/x?n={{ input.n }}'}}, {id: done, type: transform, with: {value: ok}}]\n");
  std::vector<std::string> ids;
  for (int i = 0; i < 16; ++i) ids.push_back(start_run(i % 2 ? a : b, "slow", {{"n", i}}));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // both hosts are mid-step now
  a.kill9();
  for (const auto& id : ids)
    EXPECT_EQ(wait_for(b, id, "", std::chrono::seconds(60))["status"], "succeeded");
  EXPECT_GT(metric(b, "agent_workflow_runs_reclaimed_total"), 0.0);
  std::lock_guard<std::mutex> lock(mutex);
  for (int i = 0; i < 16; ++i) EXPECT_GE(calls.count("n=" + std::to_string(i)), 1u) << i;
}

TEST_F(SharedRedis, ACronFireIsTakenByExactlyOneHost) {
  HostProcess a(config()), b(config());
  define(a,
         "name: tick\ntriggers: [{cron: '* * * * *', overlap: allow}]\nsteps: [{id: a, type: "
         "transform, with: "
         "{value: 1}}]\n");
  const std::string job = http("GET", a.base_url() + "/workflow/workflows/tick")
                              .json()["triggers"][0]["job"]
                              .get<std::string>();
  // Every host fires every schedule; a fire (one minute) must start one run only.
  std::set<long> minutes;
  auto fire = [&](const HostProcess& host) {
    const long before = static_cast<long>(std::time(nullptr) / 60);
    const int status =
        agent_host::test::try_http("POST", host.base_url() + "/jobs/workflow/" + job).status;
    const long after = static_cast<long>(std::time(nullptr) / 60);
    if (status == 200) {
      minutes.insert(before);
      minutes.insert(after);
    }
    return status;
  };
  // b learns the schedule from Redis within a maintenance tick or two.
  for (int i = 0; i < 100 && fire(b) != 200; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(fire(a), 200);
    ASSERT_EQ(fire(b), 200);
  }
  const auto runs =
      http("GET", a.base_url() + "/workflow/runs?workflow=tick&limit=500").json()["items"];
  EXPECT_GE(runs.size(), 1u);
  EXPECT_LE(runs.size(), minutes.size());  // at most one run per minute fired, across 7 fires
  EXPECT_GE(metric(a, "agent_workflow_cron_fires_total", {"taken_elsewhere"}) +
                metric(b, "agent_workflow_cron_fires_total", {"taken_elsewhere"}),
            5.0);
}

// Redis as deployed: it runs with --requirepass and the hosts read the
// password from the mounted secret that redis.password_secret names.
class RedisWithPassword : public ::testing::Test {
 protected:
  static constexpr const char* kPassword = "redis-test-password";

  void SetUp() override {
    secrets_ = std::filesystem::temp_directory_path() /
               ("ah-redis-secrets-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(secrets_ / "redis-secret");
  }
  void TearDown() override { std::filesystem::remove_all(secrets_); }

  void mount_password(const std::string& password) {
    std::ofstream(secrets_ / "redis-secret" / "password") << password << "\n";
  }
  json config(const std::string& password_secret = "redis-secret/password") {
    json redis = {{"url", redis_.url()}};
    if (!password_secret.empty()) redis["password_secret"] = password_secret;
    return workflow_config({{"redis", redis}},
                           {{"service", "redis-auth"}, {"secrets_dir", secrets_.string()}});
  }
  // Why the host refused to start (its log tail), or "" when it started.
  static std::string start_failure(const json& config) {
    try {
      HostProcess host(config);
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  }
  // `agent-host check-config [--connect] FILE`: exit code and output.
  std::pair<int, std::string> check_config(const json& config, bool connect) {
    const auto file = secrets_ / "config.json";  // JSON is YAML
    std::ofstream(file) << config.dump();
    const std::string command = (agent_host::test::binary_dir() / "agent-host").string() +
                                " check-config " + (connect ? "--connect " : "") + file.string() +
                                " 2>&1";
    std::string output;
    FILE* pipe = ::popen(command.c_str(), "r");
    char buffer[4096];
    while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
    const int status = ::pclose(pipe);
    return {WEXITSTATUS(status), output};
  }

  std::filesystem::path secrets_;
  agent_host::test::RedisServer redis_{kPassword};
};

TEST_F(RedisWithPassword, EveryConnectionLogsInWithTheMountedPassword) {
  mount_password(kPassword);
  HostProcess host(config());
  define(host, "name: noop\nsteps: [{id: a, type: transform, with: {value: 1}}]\n");
  EXPECT_EQ(wait_for(host, start_run(host, "noop"))["status"], "succeeded");
  // Redis drops every client: the connections that replace them log in too
  // (a request on a dropped connection fails once, as with any Redis restart).
  redis_.cli({"CLIENT", "KILL", "TYPE", "normal"});
  std::string id;
  for (int attempt = 0; attempt < 50 && id.empty(); ++attempt) {
    auto reply = http("POST", host.base_url() + "/workflow/workflows/noop/runs", R"({"input":{}})",
                      {{"content-type", "application/json"}});
    if (reply.status == 202)
      id = reply.json().value("id", "");
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(id.empty()) << host.logs();
  EXPECT_EQ(wait_for(host, id)["status"], "succeeded");
  EXPECT_EQ(host.logs().find(kPassword), std::string::npos) << "the password reached the log";
}

TEST_F(RedisWithPassword, AMissingSecretStopsTheStartNamingKeyPathAndFix) {
  const std::string failure = start_failure(config());
  EXPECT_NE(failure.find("plugins.workflow.config.redis.password_secret"), std::string::npos)
      << failure;
  EXPECT_NE(failure.find((secrets_ / "redis-secret" / "password").string()), std::string::npos)
      << failure;
  EXPECT_NE(failure.find("mount the secret"), std::string::npos) << failure;
}

TEST_F(RedisWithPassword, AWrongPasswordStopsTheStartSayingRedisRefusedIt) {
  mount_password("not-the-password");
  const std::string failure = start_failure(config());
  EXPECT_NE(failure.find("refused the password of "
                         "plugins.workflow.config.redis.password_secret (redis-secret/password)"),
            std::string::npos)
      << failure;
  EXPECT_NE(failure.find("--requirepass"), std::string::npos) << failure;
  EXPECT_EQ(failure.find("not-the-password"), std::string::npos) << "the password reached the log";
}

TEST_F(RedisWithPassword, NoPasswordConfiguredStopsTheStartNamingTheKey) {
  const std::string failure = start_failure(config(""));
  EXPECT_NE(failure.find("requires a password"), std::string::npos) << failure;
  EXPECT_NE(failure.find("redis.password_secret"), std::string::npos) << failure;
}

TEST_F(RedisWithPassword, CheckConfigConnectLooksForTheMountedSecret) {
  const auto [plain_code, plain] = check_config(config(), false);
  EXPECT_EQ(plain_code, 0) << plain;  // where the Secrets are not mounted
  const auto [missing_code, missing] = check_config(config(), true);
  EXPECT_EQ(missing_code, 1) << missing;
  EXPECT_NE(missing.find("plugins.workflow.config.redis.password_secret"), std::string::npos)
      << missing;
  EXPECT_NE(missing.find("not found at"), std::string::npos) << missing;
  mount_password(kPassword);
  const auto [mounted_code, mounted] = check_config(config(), true);
  EXPECT_EQ(mounted_code, 0) << mounted;
}

}  // namespace
