#include "store/json_text.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

namespace agent_host::store {
namespace {

std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

std::string base64(std::string_view bytes) {
  std::string out;
  append_base64_string(out, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return out;
}

TEST(JsonText, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json_string("plain"), "\"plain\"");
  EXPECT_EQ(json_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(json_string("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(json_string(std::string("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(json_string(std::string("a\0b", 3)), "\"a\\u0000b\"");
}

TEST(JsonText, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(json_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  EXPECT_EQ(json_string("a\xff"
                        "b"),
            "\"a\\ufffdb\"");                                           // never valid
  EXPECT_EQ(json_string("\xc3"), "\"\\ufffd\"");                        // truncated
  EXPECT_EQ(json_string("\xc0\xaf"), "\"\\ufffd\\ufffd\"");             // overlong
  EXPECT_EQ(json_string("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");  // surrogate
  // Whatever the bytes, the output parses as JSON.
  const std::string noisy("\x80\xbf\xfe\xc3\x28 ok \xf4\x90\x80\x80", 13);
  EXPECT_TRUE(nlohmann::json::accept(json_string(noisy)));
}

TEST(JsonText, Base64MatchesTheStandardVectors) {
  EXPECT_EQ(base64(""), "\"\"");
  EXPECT_EQ(base64("f"), "\"Zg==\"");
  EXPECT_EQ(base64("fo"), "\"Zm8=\"");
  EXPECT_EQ(base64("foo"), "\"Zm9v\"");
  EXPECT_EQ(base64("foob"), "\"Zm9vYg==\"");
  EXPECT_EQ(base64("fooba"), "\"Zm9vYmE=\"");
  EXPECT_EQ(base64("foobar"), "\"Zm9vYmFy\"");
  EXPECT_EQ(base64(std::string("\xff\x00\xfe", 3)), "\"/wD+\"");
}

TEST(JsonText, NumbersRoundTripAndNonFiniteBecomesNull) {
  std::string out;
  append_json_integer(out, std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(out, "-9223372036854775808");
  out.clear();
  append_json_double(out, 0.1);
  EXPECT_EQ(nlohmann::json::parse(out).get<double>(), 0.1);
  out.clear();
  append_json_double(out, 1e300);
  EXPECT_EQ(nlohmann::json::parse(out).get<double>(), 1e300);
  out.clear();
  append_json_double(out, std::numeric_limits<double>::infinity());
  EXPECT_EQ(out, "null");
}

}  // namespace
}  // namespace agent_host::store
