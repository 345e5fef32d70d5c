// The few cryptographic primitives the plugin needs: digests and HMACs from
// Nettle (small, no global initialisation: OpenSSL 3's provider set-up cost
// every process ~2 MiB and ~4 ms at start-up for one digest), random bytes
// from the kernel.
#pragma once

#include <string>
#include <string_view>

namespace workflow::crypto {

std::string sha256_hex(std::string_view data);
// For Redis script names (EVALSHA), which are SHA-1 by Redis's definition.
std::string sha1_hex(std::string_view data);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// Compares without an early exit, so timing does not leak how much matched.
bool constant_time_equal(std::string_view a, std::string_view b);
// `bytes` random bytes from the kernel's CSPRNG (getrandom), hex encoded.
std::string random_hex(size_t bytes);

}  // namespace workflow::crypto
