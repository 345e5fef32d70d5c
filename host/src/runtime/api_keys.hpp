// Bearer API keys from a mounted secret file.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace agent_host::runtime {

class ApiKeys {
 public:
  ApiKeys() = default;
  // One key per line; blank lines and '#' comments ignored. Throws
  // std::runtime_error naming the file when it cannot be read or holds no key.
  static ApiKeys load(const std::filesystem::path& file);

  bool enabled() const { return !keys_.empty(); }
  // Checks an Authorization header value ("Bearer <key>"). Every key is
  // compared in constant time, so timing tells nothing about which one is close.
  bool accepts(std::string_view authorization) const;
  // The key this host presents to its peers (the first one).
  const std::string& own_key() const { return keys_.front(); }
  const std::vector<std::string>& keys() const { return keys_; }

 private:
  std::vector<std::string> keys_;
};

}  // namespace agent_host::runtime
