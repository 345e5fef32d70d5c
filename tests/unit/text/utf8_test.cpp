#include "text/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace agent_host::text {
namespace {

TEST(Utf8, AcceptsEveryWellFormedSequence) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("plain ASCII"));
  EXPECT_TRUE(valid_utf8("caf\xc3\xa9"));       // U+00E9
  EXPECT_TRUE(valid_utf8("\xe2\x82\xac"));      // U+20AC
  EXPECT_TRUE(valid_utf8("\xed\x9f\xbf"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(valid_utf8("\xf0\x9f\x98\x80"));  // U+1F600
  EXPECT_TRUE(valid_utf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
  EXPECT_TRUE(valid_utf8(std::string("nul\0inside", 10)));
}

TEST(Utf8, NamesTheFirstBadByte) {
  EXPECT_EQ(invalid_utf8_at("ab\xff"), 2u);
  EXPECT_EQ(invalid_utf8_at("\xc0\xaf"), 0u);          // overlong '/'
  EXPECT_EQ(invalid_utf8_at("\xe0\x80\xaf"), 0u);      // overlong, three bytes
  EXPECT_EQ(invalid_utf8_at("x\xed\xa0\x80"), 1u);     // a surrogate
  EXPECT_EQ(invalid_utf8_at("\xf4\x90\x80\x80"), 0u);  // past U+10FFFF
  EXPECT_EQ(invalid_utf8_at("ok\xe2\x82"), 2u);        // cut short
  EXPECT_EQ(invalid_utf8_at("\x80"), 0u);              // a lone continuation
  EXPECT_EQ(invalid_utf8_at("caf\xe9!"), 3u);          // Latin-1
}

}  // namespace
}  // namespace agent_host::text
