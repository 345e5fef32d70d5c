// The injected services' shared rules hold whichever implementation runs:
// the mounted Secrets and the fake host's map check names and trim alike.
#include <gtest/gtest.h>

#include "runtime/request_auth.hpp"
#include "runtime/secret_store.hpp"
#include "temp_dir.hpp"

namespace agent_host::runtime {
namespace {

TEST(SecretStoreTest, MountedAndMappedSecretsCheckTheNameAndTrimTheValueAlike) {
  testing::TempDir dir("ah-secrets");
  std::filesystem::create_directory(dir.path() / "llm-config");
  dir.write("llm-config/url", "http://ollama:11434\n");
  const MountedSecrets mounted(dir.path());
  const SecretMap mapped(
      std::map<std::string, std::string>{{"llm-config/url", "http://ollama:11434\r\n"}});
  for (const SecretStore* store :
       {static_cast<const SecretStore*>(&mounted), static_cast<const SecretStore*>(&mapped)}) {
    std::string value, error;
    EXPECT_EQ(store->read("llm-config/url", value, error), AH_OK) << error;
    EXPECT_EQ(value, "http://ollama:11434");
    EXPECT_EQ(store->read("../etc/passwd", value, error), AH_ERR_INVALID_ARGUMENT);
    EXPECT_NE(error.find("<secret>/<key>"), std::string::npos) << error;
    EXPECT_EQ(store->read("llm-config/model", value, error), AH_ERR_NOT_FOUND);
  }
}

TEST(SecretStoreTest, AMissingMountedSecretNamesItsPathAndTheFix) {
  testing::TempDir dir("ah-secrets");
  std::string value, error;
  EXPECT_EQ(MountedSecrets(dir.path()).read("db/url", value, error), AH_ERR_NOT_FOUND);
  EXPECT_NE(error.find((dir.path() / "db/url").string()), std::string::npos) << error;
  EXPECT_NE(error.find("secrets_dir"), std::string::npos) << error;
}

TEST(RequestAuthTest, InProcessCallsAndHostsWithoutKeysPassOthersNeedAKey) {
  testing::TempDir dir("ah-keys");
  const ApiKeys keys = ApiKeys::load(dir.write("keys", "key-one\n"));
  HttpRequest request;
  EXPECT_TRUE(authorized(ApiKeys(), request));
  EXPECT_FALSE(authorized(keys, request));
  request.headers.emplace_back("authorization", "Bearer key-one");
  EXPECT_TRUE(authorized(keys, request));
  HttpRequest in_process;
  in_process.in_process = true;
  EXPECT_TRUE(authorized(keys, in_process));
  EXPECT_EQ(unauthorized(request).status, 401);
}

}  // namespace
}  // namespace agent_host::runtime
