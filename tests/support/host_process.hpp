// Starts the real agent-host binary for integration tests.
//
//   agent_host::test::HostProcess host(nlohmann::json{{"plugins", {{"hello", {{"config", {}}}}}}});
//   auto reply = agent_host::test::http("GET", host.base_url() + "/hello/greet/ada");
//
// The config given is merged over test defaults: free ports (port 0), a data
// directory inside the process's own temporary work folder, the build's bin/
// folder as plugin directory, JSON logs at info level.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace agent_host::test {

// Where the build put agent-host and the plugins (the tests' AH_BINARY_DIR).
std::filesystem::path binary_dir();

struct HostOptions {
  nlohmann::json config = nlohmann::json::object();  // merged over the defaults
  std::filesystem::path work_dir;                    // empty = a fresh temporary folder
  std::map<std::string, std::string> env;            // extra environment variables
  bool wait_ready = true;                            // block until /readyz answers 200
  std::chrono::milliseconds ready_timeout{20000};
};

class HostProcess {
 public:
  explicit HostProcess(HostOptions options = {});
  explicit HostProcess(nlohmann::json config);
  ~HostProcess();  // SIGTERM, wait, remove the temporary folder
  HostProcess(const HostProcess&) = delete;
  HostProcess& operator=(const HostProcess&) = delete;

  // Starts the process (done by the constructor). After the first start the
  // ports it bound are written into the config, so a restart keeps its URL.
  void start();
  std::string base_url() const;     // http://127.0.0.1:<http port>
  std::string metrics_url() const;  // http://127.0.0.1:<metrics port>/metrics
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

  void signal(int number) const;
  void terminate();  // SIGTERM (no wait)
  int wait(std::chrono::milliseconds timeout =
               std::chrono::milliseconds(30000));  // exit code; -signal when killed
  void kill9();                                    // SIGKILL + wait
  void restart();                                  // stop gracefully, start again

  // Rewrites the config file (for reload tests); `config` is merged like the constructor's.
  void write_config(const nlohmann::json& config);
  const nlohmann::json& config() const { return config_; }
  std::filesystem::path config_file() const { return work_dir_ / "config.yaml"; }
  const std::filesystem::path& work_dir() const { return work_dir_; }
  // Everything the process wrote to stdout and stderr so far (all runs).
  std::string logs() const;
  // The log lines as JSON objects (non-JSON lines are skipped).
  std::vector<nlohmann::json> log_lines() const;
  // Blocks until GET /readyz answers 200; throws with the log tail otherwise.
  void wait_ready(std::chrono::milliseconds timeout);

 private:
  nlohmann::json merged(const nlohmann::json& config) const;
  void learn_ports(std::chrono::milliseconds timeout);

  HostOptions options_;
  nlohmann::json config_;
  std::filesystem::path work_dir_;
  bool owns_work_dir_ = false;
  pid_t pid_ = -1;
  int port_ = 0;
  int metrics_port_ = 0;
  int runs_ = 0;
  bool ports_pinned_ = false;  // the config file names the bound ports (after a restart)
};

struct Reply {
  int status = 0;  // 0: no answer (try_http); `failure` says why
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string failure;  // the client's explanation when no answer came
  nlohmann::json json() const { return nlohmann::json::parse(body); }
  std::string header(const std::string& lower_name) const;
};

// One HTTP request over loopback. Throws std::runtime_error when no answer came.
Reply http(const std::string& method, const std::string& url, const std::string& body = {},
           std::vector<std::pair<std::string, std::string>> headers = {},
           std::chrono::milliseconds timeout = std::chrono::milliseconds(30000));
// The same, but a connection failure gives status 0 instead of throwing.
Reply try_http(const std::string& method, const std::string& url, const std::string& body = {},
               std::vector<std::pair<std::string, std::string>> headers = {},
               std::chrono::milliseconds timeout = std::chrono::milliseconds(30000));

// A loopback TCP port nobody listens on right now.
int free_port();

// How many kill -9 cycles a crash test runs: AH_KILL_CYCLES, else `fallback`
// (a few, for CI; the long runs in docs/testing.md set more).
int kill_cycles(int fallback = 3);

}  // namespace agent_host::test
