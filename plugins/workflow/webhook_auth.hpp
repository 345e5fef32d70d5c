// Webhook authentication: HMAC-SHA256 over "<timestamp>.<raw body>" with a
// shared secret, sent as `X-Signature: sha256=<hex>` and `X-Timestamp: <unix s>`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace workflow {

enum class WebhookVerdict {
  ok,
  missing_signature,
  missing_timestamp,
  malformed,
  stale,
  bad_signature
};

struct WebhookCheck {
  WebhookVerdict verdict = WebhookVerdict::ok;
  std::string message;    // for the 401 answer
  std::string signature;  // the hex digest (replay cache key) when ok
};

// Checks freshness (|now - timestamp| <= window) and the signature, comparing in
// constant time. Replays are the caller's job (it owns the cache).
WebhookCheck verify_webhook(std::string_view secret,
                            std::optional<std::string_view> signature_header,
                            std::optional<std::string_view> timestamp_header, std::string_view body,
                            int64_t now_seconds, int64_t window_seconds);

// The header value a sender computes: "sha256=<hex>".
std::string sign_webhook(std::string_view secret, std::string_view timestamp,
                         std::string_view body);

const char* to_string(WebhookVerdict verdict);

}  // namespace workflow
