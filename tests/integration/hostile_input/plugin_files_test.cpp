// Files in a plugin folder that are not complete shared libraries: each is
// refused with its real reason before it is mapped, and the host, the plugin
// list and check-config go on with the good ones.
#include <gtest/gtest.h>

#include "shipped_host.hpp"

namespace agent_host::test {
namespace {

class PluginFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ah-plugin-files-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "plugins");
    const std::string hello = read_text(binary_dir() / "ah-hello.so");
    ASSERT_GT(hello.size(), 4096u);
    auto plant = [&](const std::string& name, const std::string& bytes) {
      std::ofstream(dir_ / "plugins" / name, std::ios::binary) << bytes;
    };
    plant("ah-half.so", hello.substr(0, hello.size() / 2));
    plant("ah-header-only.so", hello.substr(0, 64));
    plant("ah-empty.so", "");
    plant("ah-text.so", "this is not a library\n");
    std::string thirty_two = hello.substr(0, 64);
    thirty_two[4] = 1;  // ELFCLASS32
    plant("ah-thirty-two.so", thirty_two);
    half_size_kb_ = (hello.size() / 2 + 512) / 1024;
    full_size_kb_ = (hello.size() + 512) / 1024;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void expect_every_reason(const std::string& output) {
    EXPECT_NE(output.find("ah-half.so: truncated: " + std::to_string(half_size_kb_) + " KB of " +
                          std::to_string(full_size_kb_) + " KB"),
              std::string::npos)
        << output;
    EXPECT_NE(output.find("ah-header-only.so: truncated"), std::string::npos) << output;
    EXPECT_NE(output.find("ah-empty.so: an empty file"), std::string::npos) << output;
    EXPECT_NE(output.find("ah-text.so: not an ELF file"), std::string::npos) << output;
    EXPECT_NE(output.find("ah-thirty-two.so: a 32-bit ELF file"), std::string::npos) << output;
    EXPECT_EQ(output.find("Bad file descriptor"), std::string::npos) << output;
  }

  std::filesystem::path dir_;
  size_t half_size_kb_ = 0, full_size_kb_ = 0;
};

TEST_F(PluginFiles, ThePluginListNamesEveryBadFileAndItsReason) {
  const Command listed = run_agent_host("plugins --plugin-dir " + (dir_ / "plugins").string());
  // Every file is refused: a script checking the folder must see a failure.
  EXPECT_EQ(listed.exit_code, 1) << listed.output;
  expect_every_reason(listed.output);
}

TEST_F(PluginFiles, TheHostAndCheckConfigRunBesideThem) {
  nlohmann::json config = all_in_one_test_config();
  config["plugin_dirs"] = {(dir_ / "plugins").string(), binary_dir().string()};
  HostProcess host(config);
  EXPECT_EQ(http("GET", host.base_url() + "/task/tasks?limit=1").status, 200);
  expect_every_reason(host.logs());

  const Command checked = run_agent_host("check-config " + host.config_file().string());
  EXPECT_EQ(checked.exit_code, 0) << checked.output;
}

}  // namespace
}  // namespace agent_host::test
