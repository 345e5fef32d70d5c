#include "loader/descriptor_check.hpp"

#include <gtest/gtest.h>

namespace agent_host::loader {
namespace {

ah_plugin_instance* create(const ah_host_api*, ah_host*, ah_str, ah_sink*) {
  return nullptr;
}
ah_status start(ah_plugin_instance*, ah_sink*) {
  return AH_OK;
}
ah_status reload(ah_plugin_instance*, ah_str, ah_sink*) {
  return AH_OK;
}
void stop(ah_plugin_instance*) {}
ah_health_state health(ah_plugin_instance*, ah_sink*) {
  return AH_HEALTH_OK;
}

ah_plugin_descriptor valid() {
  return ah_plugin_descriptor{AH_ABI_MAJOR, AH_ABI_MINOR, sizeof(ah_plugin_descriptor),
                              "good-name",  "1.0",        "/good",
                              "d",          "{}",         create,
                              start,        reload,       stop,
                              stop,         health};
}

std::string refusal(const ah_plugin_descriptor& d) {
  try {
    check_descriptor(&d, "lib.so");
  } catch (const PluginRefused& e) {
    return e.what();
  }
  return {};
}

TEST(DescriptorCheck, AcceptsAValidDescriptor) {
  EXPECT_EQ(refusal(valid()), "");
}

TEST(DescriptorCheck, RefusesEachDefectNamingTheFile) {
  auto d = valid();
  d.abi_major = AH_ABI_MAJOR + 1;
  EXPECT_NE(refusal(d).find("different major"), std::string::npos);
  d = valid();
  d.abi_minor = AH_ABI_MINOR + 1;
  EXPECT_NE(refusal(d).find("newer than host ABI"), std::string::npos);
  d = valid();
  d.struct_size = 8;
  EXPECT_NE(refusal(d).find("struct_size"), std::string::npos);
  d = valid();
  d.name = "Bad_Name";
  EXPECT_NE(refusal(d).find("invalid plugin name"), std::string::npos);
  d = valid();
  d.default_prefix = "nope";
  EXPECT_NE(refusal(d).find("prefix"), std::string::npos);
  d = valid();
  d.health = nullptr;
  EXPECT_NE(refusal(d).find("NULL"), std::string::npos);
  EXPECT_NE(refusal(d).find("lib.so"), std::string::npos);
  EXPECT_NE(std::string([] {
              try {
                check_descriptor(nullptr, "x.so");
              } catch (const PluginRefused& e) {
                return std::string(e.what());
              }
              return std::string();
            }())
                .find("x.so"),
            std::string::npos);
}

}  // namespace
}  // namespace agent_host::loader
