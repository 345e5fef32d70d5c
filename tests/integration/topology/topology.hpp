// The cluster of the deployment, on one machine: the three roles, each an
// agent-host process started from its deployed config (configs/<role>.yaml),
// a real Redis for workflow, and nginx in front as the Services + ingress, and
// an Ollama stand-in as the LLM of the llm-config Secret. As root the Service
// DNS names resolve (cluster_names.hpp): nginx and Redis listen on each
// Service's address and port; otherwise peers call each other through nginx
// as their HTTP proxy and Redis is at a loopback URL.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "host_process.hpp"
#include "nginx_proxy.hpp"
#include "ollama_double.hpp"
#include "redis_server.hpp"
#include "role_config.hpp"
#include "postgres_server.hpp"

namespace agent_host::test {

struct Role {
  std::string name;    // task-manager, workflow, reporting (the config file's name)
  std::string prefix;  // its route prefix: the ingress path
  RoleFolders folders;
  std::unique_ptr<HostProcess> pod;  // the process serving now
  std::vector<std::unique_ptr<HostProcess>> more_pods;  // further replicas behind the Service
  int pods_started = 0;
};

// Which deployment variant runs: the default overlays on SQLite, one pod per
// role; or the PostgreSQL overlays (deploy/k8s/overlays/postgres/<role>, the
// db-secret pointing at a server of the topology's own) with Task Manager and
// Reporting at `replicas` pods.
struct TopologyOptions {
  bool postgres = false;
  int replicas = 1;
};

struct RolloutResult {
  int old_exit_code = 0;
  std::string old_logs;
};

class Topology {
 public:
  // Everything started and ready; throws with logs otherwise.
  explicit Topology(TopologyOptions options = {});
  ~Topology();
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  // A request through the proxy, with the API key; status 0 when no answer.
  Reply call(const std::string& method, const std::string& path, const std::string& body = {},
             std::chrono::milliseconds timeout = std::chrono::milliseconds(30000)) const;

  // What a Deployment rollout with maxSurge 1 / maxUnavailable 0 does: a new
  // process on the same config and data folder; once ready it gets traffic;
  // then the old one leaves the endpoints and gets SIGTERM (it drains).
  RolloutResult roll(const std::string& role);

  // POST /jobs/<plugin>/<job> on the role's pod, as its CronJob's run-job
  // does through the role's Service.
  Reply run_job(const std::string& role, const std::string& job) const;
  // The webhook secret of the api-keys Secret (what a webhook sender signs with).
  static std::string webhook_secret() { return kDevWebhookSecret; }
  const std::string& api_key() const { return api_key_; }
  // Moves a stored report's creation time `age` into the past (reporting's
  // index on its data volume), as if it had been made that long ago.
  void age_report(const std::string& id, std::chrono::hours age);

  Role& role(const std::string& name);
  const NginxProxy& proxy() const { return *proxy_; }
  const RedisServer& redis() const { return *redis_; }
  testing::OllamaDouble& llm() { return llm_; }
  // Every role's log tail, the proxy's error log: for failure messages.
  std::string diagnostics() const;

 private:
  void start_services(std::vector<ProxyRoute> routes);
  std::string overlay(const std::string& role) const;  // under deploy/k8s/overlays
  std::unique_ptr<HostProcess> start_pod(Role& role);
  static std::string address(const HostProcess& pod);

  void write_db_secret();
  void age_report_in_postgres(const std::string& id, std::chrono::hours age);
  std::vector<std::string> addresses(const Role& role) const;

  TopologyOptions options_;
  std::unique_ptr<PostgresServer> database_;  // the PostgreSQL variant's
  std::filesystem::path root_;
  std::string api_key_;
  testing::OllamaDouble llm_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<NginxProxy> proxy_;
  std::vector<Role> roles_;
};

}  // namespace agent_host::test
