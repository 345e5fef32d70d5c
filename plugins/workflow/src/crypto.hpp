// The few OpenSSL primitives the plugin needs.
#pragma once

#include <string>
#include <string_view>

namespace workflow::crypto {

std::string sha256_hex(std::string_view data);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// Compares without an early exit, so timing does not leak how much matched.
bool constant_time_equal(std::string_view a, std::string_view b);
// `bytes` random bytes from OpenSSL's CSPRNG, hex encoded.
std::string random_hex(size_t bytes);

}  // namespace workflow::crypto
