// The SDK's bounded parse of JSON from outside the plugin.
#include <gtest/gtest.h>

#include <agent_host/sdk.hpp>
#include <string>

namespace agent_host {
namespace {

TEST(ParseJson, ANulByteIsASyntaxErrorWhereverItIs) {
  // The utf8_and_json fuzz input (tests/fuzz/corpus/utf8_and_json/nul_then_junk):
  // nlohmann stopped at the NUL and accepted 969, ignoring what followed.
  const std::string found("969\0\0VIW\nXv\"\xff\xff\xff\xff\"\"", 18);
  EXPECT_THROW(parse_json(found), InvalidJson);
  EXPECT_THROW(parse_json(std::string("{\"a\": 1}\0", 9)), InvalidJson);
  EXPECT_THROW(parse_json(std::string("\"a\0b\"", 5)), InvalidJson);
  try {
    parse_json(std::string("[1]\0", 4));
    FAIL() << "accepted";
  } catch (const InvalidJson& e) {
    EXPECT_NE(std::string(e.what()).find("NUL byte at offset 3"), std::string::npos) << e.what();
  }
  EXPECT_EQ(parse_json("{\"a\": \"\\u0000\"}")["a"], std::string(1, '\0'));  // escaped is fine
}

}  // namespace
}  // namespace agent_host
