#include "runtime/api_keys.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace agent_host::runtime {
namespace {

std::filesystem::path write_keys(const std::string& text) {
  auto file = std::filesystem::temp_directory_path() / ("ah-keys-" + std::to_string(::getpid()));
  std::ofstream(file) << text;
  return file;
}

TEST(ApiKeysTest, AcceptsEveryListedKeyWithTheBearerScheme) {
  auto file = write_keys("# comment\n  key-one  \n\nkey-two\n");
  auto keys = ApiKeys::load(file);
  EXPECT_TRUE(keys.enabled());
  EXPECT_EQ(keys.own_key(), "key-one");
  EXPECT_TRUE(keys.accepts("Bearer key-one"));
  EXPECT_TRUE(keys.accepts("bearer key-two"));
  EXPECT_FALSE(keys.accepts("Bearer key-on"));
  EXPECT_FALSE(keys.accepts("Bearer key-one2"));
  EXPECT_FALSE(keys.accepts("Basic key-one"));
  EXPECT_FALSE(keys.accepts("Bearer "));
  EXPECT_FALSE(keys.accepts(""));
  std::filesystem::remove(file);
}

TEST(ApiKeysTest, AnEmptyOrMissingFileIsAnErrorNamingIt) {
  auto file = write_keys("# nothing here\n\n");
  try {
    ApiKeys::load(file);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos);
  }
  std::filesystem::remove(file);
  EXPECT_THROW(ApiKeys::load(file), std::runtime_error);
}

}  // namespace
}  // namespace agent_host::runtime
