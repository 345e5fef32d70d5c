#include "logging/redactor.hpp"

#include <algorithm>

namespace agent_host::logging {

Redactor Redactor::with_secret(std::string secret) const {
  Redactor copy = *this;
  if (secret.size() < kMinimumSecretLength) return copy;
  if (std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return copy;
  copy.secrets_.push_back(std::move(secret));
  std::stable_sort(copy.secrets_.begin(), copy.secrets_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return copy;
}

std::string Redactor::redact(std::string text) const {
  for (const std::string& secret : secrets_) {
    for (std::size_t at = text.find(secret); at != std::string::npos;
         at = text.find(secret, at + std::char_traits<char>::length(kReplacement))) {
      text.replace(at, secret.size(), kReplacement);
    }
  }
  return text;
}

void Redactor::redact_json(nlohmann::json& value) const {
  if (secrets_.empty()) return;
  if (value.is_string()) {
    value = redact(value.get<std::string>());
  } else if (value.is_array()) {
    for (auto& item : value) redact_json(item);
  } else if (value.is_object()) {
    nlohmann::json cleaned = nlohmann::json::object();
    for (auto& member : value.items()) {
      redact_json(member.value());
      cleaned[redact(member.key())] = std::move(member.value());
    }
    value = std::move(cleaned);
  }
}

}  // namespace agent_host::logging
