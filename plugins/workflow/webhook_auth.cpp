#include "webhook_auth.hpp"

#include <cctype>
#include <cstdlib>

#include "crypto.hpp"

namespace workflow {

std::string sign_webhook(std::string_view secret, std::string_view timestamp,
                         std::string_view body) {
  std::string message;
  message.reserve(timestamp.size() + 1 + body.size());
  message.append(timestamp).append(".").append(body);
  return "sha256=" + crypto::hmac_sha256_hex(secret, message);
}

WebhookCheck verify_webhook(std::string_view secret,
                            std::optional<std::string_view> signature_header,
                            std::optional<std::string_view> timestamp_header, std::string_view body,
                            int64_t now_seconds, int64_t window_seconds) {
  if (!signature_header || signature_header->empty())
    return {WebhookVerdict::missing_signature,
            "X-Signature header missing; send sha256=<hex HMAC of \"<timestamp>.<body>\">",
            {}};
  if (!timestamp_header || timestamp_header->empty())
    return {WebhookVerdict::missing_timestamp,
            "X-Timestamp header missing; send the Unix time in seconds",
            {}};
  const std::string timestamp(*timestamp_header);
  for (char c : timestamp)
    if (!std::isdigit(static_cast<unsigned char>(c)) || timestamp.size() > 12)
      return {WebhookVerdict::malformed, "X-Timestamp must be Unix seconds, e.g. 1717000000", {}};
  const int64_t sent = std::strtoll(timestamp.c_str(), nullptr, 10);
  if (sent < now_seconds - window_seconds || sent > now_seconds + window_seconds)
    return {WebhookVerdict::stale,
            "X-Timestamp is outside the " + std::to_string(window_seconds) +
                " s window; sign with the current time",
            {}};
  std::string_view given = *signature_header;
  constexpr std::string_view prefix = "sha256=";
  if (given.substr(0, prefix.size()) != prefix)
    return {WebhookVerdict::malformed, "X-Signature must look like sha256=<64 hex digits>", {}};
  given.remove_prefix(prefix.size());
  const std::string expected = sign_webhook(secret, timestamp, body).substr(prefix.size());
  std::string lowered(given);
  for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!crypto::constant_time_equal(lowered, expected))
    return {WebhookVerdict::bad_signature, "X-Signature does not match the body", {}};
  return {WebhookVerdict::ok, {}, expected};
}

const char* to_string(WebhookVerdict verdict) {
  switch (verdict) {
    case WebhookVerdict::ok:
      return "ok";
    case WebhookVerdict::missing_signature:
      return "missing_signature";
    case WebhookVerdict::missing_timestamp:
      return "missing_timestamp";
    case WebhookVerdict::malformed:
      return "malformed";
    case WebhookVerdict::stale:
      return "stale";
    case WebhookVerdict::bad_signature:
      return "bad_signature";
  }
  return "unknown";
}

}  // namespace workflow
