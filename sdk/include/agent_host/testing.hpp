// agent_host/testing.hpp — a fake host for unit-testing a plugin.
//
// FakeHost runs plugins without the agent-host process, network or ports: it
// uses the host's own runtime in-process (real SQLite files in a temporary
// folder, the real router and config validation), so a test exercises the
// plugin exactly as the host would, while jobs, outbound calls, secrets, the
// LLM and the clock are under the test's control.
//
//   agent_host::testing::FakeHost host;
//   host.add_plugin(agent_host_plugin_entry(), {{"greeting", "hi"}});
//   host.start();
//   auto response = host.get("/hello/greet/ada");
//   EXPECT_EQ(response.status, 200);
//
// Link the target AgentHost::testing (static library) and compile the plugin's
// sources into the test (or load its .so with add_plugin_file).
#ifndef AGENT_HOST_TESTING_HPP
#define AGENT_HOST_TESTING_HPP

#include <agent_host/abi.h>

#include <agent_host/error.hpp>
#include <agent_host/host.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace agent_host::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

// An answer from a route (or one a stub gives back).
struct FakeResponse {
  int status = 0;
  Headers headers;  // names lower-case
  std::string body;

  nlohmann::json json() const { return nlohmann::json::parse(body); }
  std::optional<std::string> header(const std::string& lower_name) const {
    for (const auto& [name, value] : headers)
      if (name == lower_name) return value;
    return std::nullopt;
  }
};

// An outbound call a plugin made (agent_call or http_request).
struct OutboundCall {
  std::string agent;  // agent calls
  std::string url;    // http_request
  std::string method;
  std::string path;
  Headers headers;
  std::string body;
};

// One log line a plugin wrote.
struct LogLine {
  std::string plugin;
  LogLevel level;
  std::string message;
  nlohmann::json fields;
};

// What a stub returns: an answer, or a failure status (Status::unavailable to
// simulate a peer that is down, Status::timeout, ...).
struct StubResult {
  FakeResponse response;
  Status failure = Status::ok;
  static StubResult ok(int status, const nlohmann::json& body) {
    return StubResult{FakeResponse{status, {{"content-type", "application/json"}}, body.dump()},
                      Status::ok};
  }
  static StubResult fail(Status status) { return StubResult{{}, status}; }
};

class FakeHost {
 public:
  struct Options {
    std::string service = "test";
    // Extra host config keys merged over the defaults (e.g. "scheduler", "peers").
    nlohmann::json host_config = nlohmann::json::object();
    // Where SQLite files go; empty = a fresh temporary folder removed afterwards.
    // With the environment variable AH_TEST_POSTGRES_URL set (a PostgreSQL
    // superuser's URI) the plugins' storage is PostgreSQL instead: a fresh
    // database per FakeHost, or one shared by FakeHosts given the same data_dir.
    std::filesystem::path data_dir;
  };

  FakeHost();
  explicit FakeHost(Options options);
  ~FakeHost();
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  // Adds a plugin from its descriptor (compiled into the test) or from a .so file.
  // The config section is validated against the plugin's schema with defaults
  // filled, exactly as the host does; a bad section throws std::runtime_error.
  // Empty prefix = the plugin's default prefix.
  void add_plugin(const ah_plugin_descriptor* descriptor,
                  nlohmann::json config = nlohmann::json::object(), std::string prefix = {});
  void add_plugin_file(const std::filesystem::path& library,
                       nlohmann::json config = nlohmann::json::object(), std::string prefix = {});

  // Creates and starts every added plugin, in order. Throws on failure.
  void start();
  // Stops every plugin (reverse order); also done by the destructor.
  void stop();
  // Applies a new config section to a running plugin (as a config reload would).
  void reload(const std::string& plugin, nlohmann::json config);

  // Requests, dispatched through the host's router as real HTTP requests would be.
  // `body` is the raw request body (bytes as sent); post/patch/put send the
  // JSON's text with Content-Type application/json.
  FakeResponse request(const std::string& method, const std::string& path_and_query,
                       const std::string& body = {}, const Headers& headers = {});
  FakeResponse get(const std::string& path, const Headers& headers = {});
  FakeResponse post(const std::string& path, const nlohmann::json& body,
                    const Headers& headers = {});
  FakeResponse patch(const std::string& path, const nlohmann::json& body,
                     const Headers& headers = {});
  FakeResponse put(const std::string& path, const nlohmann::json& body,
                   const Headers& headers = {});
  FakeResponse del(const std::string& path, const Headers& headers = {});

  // Jobs never fire on their own in a FakeHost: the test runs them.
  std::vector<std::string> jobs(const std::string& plugin) const;
  // Runs a registered job (cron or one-shot) as if it fired at `fire_time`.
  // Throws std::runtime_error with the job's error when it fails.
  void run_job(const std::string& plugin, const std::string& job,
               std::chrono::system_clock::time_point fire_time = std::chrono::system_clock::now());

  // Outbound calls. An agent call to a plugin added here is dispatched to it; to
  // any other agent it goes to the stub (no stub: Status::not_found).
  void stub_agent(const std::string& agent, std::function<StubResult(const OutboundCall&)> stub);
  // http_request to a URL starting with `url_prefix` goes to the stub (none: unavailable).
  void stub_http(const std::string& url_prefix,
                 std::function<StubResult(const OutboundCall&)> stub);
  // llm_generate answers through the stub (none: Status::unsupported "not configured").
  void stub_llm(std::function<nlohmann::json(const nlohmann::json& request)> stub);
  std::vector<OutboundCall> outbound_calls() const;

  void set_secret(const std::string& name, const std::string& value);

  // Observations.
  // Value of a metric series by its full exposed name (e.g.
  // "agent_hello_greetings_total") and labels; nullopt when it does not exist.
  // Histograms report their sample count.
  std::optional<double> metric(const std::string& full_name,
                               const nlohmann::json& labels = nlohmann::json::object()) const;
  std::vector<LogLine> logs() const;
  // Per-plugin health as /health reports it.
  nlohmann::json health() const;
  const std::filesystem::path& data_dir() const;

 private:
  void use_test_postgres(nlohmann::json& document);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agent_host::testing

#endif  // AGENT_HOST_TESTING_HPP
