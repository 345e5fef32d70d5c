#include "runtime/secret_store.hpp"

#include "files/regular_file.hpp"
#include "logging/logging.hpp"

namespace agent_host::runtime {
namespace {

// A mounted secret is a key or a URL; anything larger is a wrong mount.
constexpr std::size_t kMaxSecretBytes = 1 << 20;

}  // namespace

ah_status SecretStore::read(const std::string& name, std::string& value, std::string& error) const {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) {
    error = "secret name \"" + name + "\" must be \"<secret>/<key>\" below the secrets directory";
    return AH_ERR_INVALID_ARGUMENT;
  }
  const ah_status status = fetch(name, value, error);
  if (status != AH_OK) return status;
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  logging::Logging::add_secret(value);
  return AH_OK;
}

ah_status MountedSecrets::fetch(const std::string& name, std::string& value,
                                std::string& error) const {
  const std::filesystem::path file = directory_ / name;
  std::error_code missing;
  if (!std::filesystem::exists(file, missing)) {
    error = "secret \"" + name + "\" not found at " + file.string() +
            "; mount the secret there or change secrets_dir";
    return AH_ERR_NOT_FOUND;
  }
  try {
    value = files::read_regular_file(file, kMaxSecretBytes);
  } catch (const files::FileError& e) {
    error = std::string("secret \"") + name + "\": " + e.what();
    return AH_ERR_INVALID_ARGUMENT;
  }
  return AH_OK;
}

ah_status SecretMap::fetch(const std::string& name, std::string& value, std::string& error) const {
  auto it = secrets_.find(name);
  if (it == secrets_.end()) {
    error = "secret \"" + name + "\" is not set";
    return AH_ERR_NOT_FOUND;
  }
  value = it->second;
  return AH_OK;
}

}  // namespace agent_host::runtime
