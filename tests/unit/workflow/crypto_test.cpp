// Published test vectors for the digests the plugin relies on: webhook
// signatures (HMAC-SHA256), definition hashes (SHA-256), Redis script names (SHA-1).
#include "crypto.hpp"

#include <gtest/gtest.h>

#include <set>

namespace workflow::crypto {
namespace {

TEST(Crypto, Sha256MatchesFips180Vectors) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Crypto, Sha1MatchesFips180Vector) {
  EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(Crypto, HmacSha256MatchesRfc4231Case2) {
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, ConstantTimeEqualComparesWholeStrings) {
  EXPECT_TRUE(constant_time_equal("sha256=abc", "sha256=abc"));
  EXPECT_FALSE(constant_time_equal("sha256=abc", "sha256=abd"));
  EXPECT_FALSE(constant_time_equal("sha256=abc", "sha256=ab"));
}

TEST(Crypto, RandomHexHasTheLengthAskedAndVaries) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const auto value = random_hex(16);
    EXPECT_EQ(value.size(), 32u);
    seen.insert(value);
  }
  EXPECT_EQ(seen.size(), 100u);
}

}  // namespace
}  // namespace workflow::crypto
