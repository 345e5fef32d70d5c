// A real nginx in front of agent-host processes, standing in for the
// Kubernetes Services + ingress in topology tests: one upstream per route
// prefix, retries on the next server for connection errors, timeouts, 502 and
// 503 (`proxy_next_upstream`). Runs unprivileged from a temporary folder on a
// free loopback port; the server lists can be changed at run time (a graceful
// nginx reload, as an Endpoints update would be).
//
//   agent_host::test::NginxProxy proxy({{"/task", {"127.0.0.1:8081"}}});
//   agent_host::test::http("GET", proxy.base_url() + "/task/tasks");
//   proxy.set_servers("/task", {"127.0.0.1:8081", "127.0.0.1:8091"});
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace agent_host::test {

struct ProxyRoute {
  std::string prefix;                // "/task": every path starting with it
  std::vector<std::string> servers;  // "127.0.0.1:8081"; empty = answers 502
};

struct NginxSettings {
  int port = 0;
  std::filesystem::path dir;  // pid file, logs, temp folders
  std::string worker_user;    // only when started as root: who the workers run as
  int generation = 0;         // served at /__proxy_generation, to see a reload take effect
  std::vector<ProxyRoute> routes;
  // More "address:port" listeners serving the same routes: the Services'
  // own addresses when their DNS names resolve (topology, as root).
  std::vector<std::string> service_listeners;
};

// The nginx.conf text for these settings (no side effects).
std::string render_nginx_config(const NginxSettings& settings);

class NginxProxy {
 public:
  // Starts nginx; throws std::runtime_error (with nginx's error log) when it
  // is missing or does not come up.
  explicit NginxProxy(std::vector<ProxyRoute> routes,
                      std::vector<std::string> service_listeners = {});
  ~NginxProxy();  // stops nginx, removes the temporary folder
  NginxProxy(const NginxProxy&) = delete;
  NginxProxy& operator=(const NginxProxy&) = delete;

  int port() const { return settings_.port; }
  std::string base_url() const;  // http://127.0.0.1:<port>

  // Replaces the servers of one route and reloads nginx. Returns once new
  // connections are served with the new list; requests already in flight
  // finish on the old workers (and so on the old servers).
  void set_servers(const std::string& prefix, std::vector<std::string> servers);

  std::string error_log() const;
  // One line per request: "<status> <method> <host> <uri> upstream=<addr> upstream_status=<s>
  // <time>".
  std::string access_log() const;

 private:
  void write_config() const;
  void start();
  void reload();
  void wait_generation(int generation) const;

  NginxSettings settings_;
  pid_t pid_ = -1;
};

}  // namespace agent_host::test
