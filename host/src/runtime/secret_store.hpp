// Where plugins' and the host's secrets come from (abi.h secret_read): the
// mounted Secrets in production, a map in the fake host and `agent-host jobs`.
#pragma once

#include <agent_host/abi.h>

#include <filesystem>
#include <map>
#include <string>

namespace agent_host::runtime {

class SecretStore {
 public:
  virtual ~SecretStore() = default;
  // `name` is "<secret>/<key>". Checks the name, trims the trailing newline a
  // mounted file usually has, and tells the logger to redact the value.
  ah_status read(const std::string& name, std::string& value, std::string& error) const;

 private:
  virtual ah_status fetch(const std::string& name, std::string& value,
                          std::string& error) const = 0;
};

// Files below the secrets directory, as Kubernetes mounts Secrets.
class MountedSecrets final : public SecretStore {
 public:
  explicit MountedSecrets(std::filesystem::path directory) : directory_(std::move(directory)) {}

 private:
  ah_status fetch(const std::string& name, std::string& value, std::string& error) const override;
  std::filesystem::path directory_;
};

// Secrets given in-process; any other name is not set.
class SecretMap final : public SecretStore {
 public:
  explicit SecretMap(std::map<std::string, std::string> secrets = {})
      : secrets_(std::move(secrets)) {}

 private:
  ah_status fetch(const std::string& name, std::string& value, std::string& error) const override;
  std::map<std::string, std::string> secrets_;
};

}  // namespace agent_host::runtime
