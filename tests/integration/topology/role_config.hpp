// The deployed role configs, taken from the ConfigMap that
// `kubectl kustomize deploy/k8s/overlays/<role>` renders and changed only where
// one machine differs from the cluster: the hosts' own ports, local folders,
// the shipped workflow templates from the source tree instead of the image,
// and Redis at a loopback URL where the cluster's names do not resolve.
// Peers keep their cluster DNS names.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "shipped_config.hpp"  // all_in_one_test_config, for the role tests

namespace agent_host::test {

// Where a role's files live on this machine. The data folder is shared by
// every process of the role, as a volume is shared by the pods of a rollout.
struct RoleFolders {
  std::filesystem::path data_dir;
  std::filesystem::path reports_dir;  // reporting's reports volume
  std::filesystem::path log_dir;      // a log file named in the config goes here
  std::filesystem::path secrets_dir;  // laid out as Kubernetes mounts Secrets
};

// What the cluster's DNS names become on one machine. Peers keep their
// Service names: they resolve (cluster_names.hpp), or the processes reach
// them through an HTTP proxy (pod_environment), which routes by path as the
// Services do.
struct LoopbackNetwork {
  std::string redis_url;  // empty: the rendered URL (its name resolves)
};

// Environment of a role's process: libcurl sends every call to a cluster name
// through `proxy_url` (the Services stand-in); loopback stays direct.
std::map<std::string, std::string> pod_environment(const std::string& proxy_url);

// configs/<role>.yaml of this source tree, as JSON.
nlohmann::json read_role_config(const std::string& role);

// config.yaml of the ConfigMap agent-host-config[-hash] in the render of the
// role's overlay (kubectl from $AH_KUBECTL, else build/tools, fetched when
// missing).
// `overlay` is the folder under deploy/k8s/overlays (default: the role's own;
// "postgres/<role>" for the PostgreSQL variant).
nlohmann::json rendered_role_config(const std::string& role, const std::string& overlay = {});

// The role config with the one-machine changes applied. Throws
// std::runtime_error when the file lacks something a role config must have.
nlohmann::json one_machine_config(const std::string& role, const RoleFolders& folders,
                                  const LoopbackNetwork& network, const std::string& overlay = {});

// The webhook secret write_dev_secrets writes (api-keys/webhook-secret).
constexpr const char* kDevWebhookSecret = "topology-test-webhook-secret";
// Redis's password, written as redis-secret/password (the Secret the
// workflow config's redis.password_secret names); Redis runs with it.
constexpr const char* kDevRedisPassword = "topology-test-redis-password";

// Writes the Secrets the role configs name (api-keys with the webhook secret,
// llm-config pointing at `llm_url`, redis-secret) into `secrets_dir`; returns
// the API key callers must send.
std::string write_dev_secrets(const std::filesystem::path& secrets_dir, const std::string& llm_url,
                              const std::string& llm_model);

}  // namespace agent_host::test
