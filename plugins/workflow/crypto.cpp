#include "crypto.hpp"

#include <nettle/hmac.h>
#include <nettle/memops.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>
#include <sys/random.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace workflow::crypto {

namespace {
std::string hex(const std::uint8_t* data, size_t size) {
  static const char digits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = digits[data[i] >> 4];
    out[2 * i + 1] = digits[data[i] & 0x0f];
  }
  return out;
}

const std::uint8_t* bytes_of(std::string_view text) {
  return reinterpret_cast<const std::uint8_t*>(text.data());
}
}  // namespace

namespace {
// One nettle hash of `data`, in hex.
template <typename Context, size_t kDigestSize>
std::string digest_hex(std::string_view data, void (*init)(Context*),
                       void (*update)(Context*, size_t, const std::uint8_t*),
                       void (*finish)(Context*, size_t, std::uint8_t*)) {
  Context context;
  init(&context);
  update(&context, data.size(), bytes_of(data));
  std::uint8_t digest[kDigestSize];
  finish(&context, sizeof digest, digest);
  return hex(digest, sizeof digest);
}
}  // namespace

std::string sha256_hex(std::string_view data) {
  return digest_hex<sha256_ctx, SHA256_DIGEST_SIZE>(data, sha256_init, sha256_update,
                                                    sha256_digest);
}

std::string sha1_hex(std::string_view data) {
  return digest_hex<sha1_ctx, SHA1_DIGEST_SIZE>(data, sha1_init, sha1_update, sha1_digest);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  hmac_sha256_ctx context;
  hmac_sha256_set_key(&context, key.size(), bytes_of(key));
  hmac_sha256_update(&context, data.size(), bytes_of(data));
  std::uint8_t digest[SHA256_DIGEST_SIZE];
  hmac_sha256_digest(&context, sizeof digest, digest);
  return hex(digest, sizeof digest);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return memeql_sec(a.data(), b.data(), a.size()) != 0;
}

std::string random_hex(size_t bytes) {
  std::vector<std::uint8_t> buffer(bytes);
  size_t filled = 0;
  while (filled < bytes) {
    const ssize_t got = getrandom(buffer.data() + filled, bytes - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("no random bytes from getrandom: ") +
                               std::strerror(errno));
    }
    filled += static_cast<size_t>(got);
  }
  return hex(buffer.data(), bytes);
}

}  // namespace workflow::crypto
