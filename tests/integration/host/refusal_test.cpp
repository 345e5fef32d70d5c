// Bad plugin files and bad configs are refused with one clear message; the
// host never crashes on them.
#include <fstream>

#include "host_fixture.hpp"

namespace agent_host::test {
namespace {

class Refusal : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ah-refusal-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes a config enabling `plugin` and runs `agent-host --config` on it.
  CommandResult start_with(const std::string& plugin) {
    const auto file = write_file(dir_ / "config.yaml",
                                 "service: refusal\n"
                                 "http: {port: 0, address: 127.0.0.1}\n"
                                 "metrics: {port: 0, address: 127.0.0.1}\n"
                                 "storage: {data_dir: " +
                                     (dir_ / "data").string() +
                                     "}\n"
                                     "plugin_dirs: [" AH_FIXTURE_PLUGIN_DIR
                                     "]\n"
                                     "plugins:\n  " +
                                     plugin + ": {}\n");
    return run_command("--config " + file);
  }

  std::filesystem::path dir_;
};

TEST_F(Refusal, AnotherAbiMajorNamesFileBothVersionsAndFix) {
  auto result = start_with("bad-major");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("ah-fixture_bad_major.so"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("plugin ABI 99.0"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("host ABI 1."), std::string::npos) << result.output;
  // The product version and the ABI version, each named as such (not "SDK 1.x").
  EXPECT_NE(result.output.find("rebuild the plugin against the SDK of Agent Host "),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find(" (ABI 1."), std::string::npos) << result.output;
}

TEST_F(Refusal, ANewerMinorIsRefusedWithTheUpgradeHint) {
  auto result = start_with("newer-minor");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("is newer than host ABI"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("upgrade agent-host"), std::string::npos) << result.output;
}

TEST_F(Refusal, AFailingInitIsRefusedWithThePluginsReason) {
  auto result = start_with("throwing-init");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("ah-fixture_throwing_init.so"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("cannot reach the database"), std::string::npos) << result.output;
}

TEST_F(Refusal, AnUnknownPluginNameListsWhatWasFound) {
  auto result = start_with("no-such-agent");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("plugins.no-such-agent"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("probe"), std::string::npos) << result.output;
}

TEST_F(Refusal, PluginsCommandListsGoodFilesAndWhyOthersWereRefused) {
  auto result = run_command("plugins --plugin-dir " AH_FIXTURE_PLUGIN_DIR);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("probe"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("ah-fixture_no_symbol.so: no entry symbol"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("ah-not-a-library.so: not an ELF file"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("plugin ABI 99.0"), std::string::npos) << result.output;
}

TEST_F(Refusal, ADuplicatePluginNameIsRefusedNamingBothFiles) {
  const auto second = dir_ / "copy";
  std::filesystem::create_directories(second);
  std::filesystem::copy_file(std::filesystem::path(AH_FIXTURE_PLUGIN_DIR) / "ah-fixture_probe.so",
                             second / "ah-probe-copy.so");
  auto result =
      run_command("plugins --plugin-dir " AH_FIXTURE_PLUGIN_DIR " --plugin-dir " + second.string());
  EXPECT_NE(result.output.find("duplicate plugin name \"probe\""), std::string::npos)
      << result.output;
}

TEST_F(Refusal, CheckConfigNamesFileKeyPathAndNearestKey) {
  const auto file =
      write_file(dir_ / "bad.yaml", "service: s\nhttp:\n  thread: 4\nplugins: {probe: {}}\n");
  auto result = run_command("check-config " + file);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find(file), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("http.thread"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("threads"), std::string::npos) << result.output;
}

TEST_F(Refusal, CheckConfigValidatesEachPluginsSection) {
  const auto file = write_file(
      dir_ / "plugin.yaml", "service: s\nplugin_dirs: [" AH_FIXTURE_PLUGIN_DIR
                            "]\n"
                            "plugins:\n  probe:\n    config: {labell: x, refuse_reload: maybe}\n");
  auto result = run_command("check-config " + file);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("plugins.probe.config.labell"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("label"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("plugins.probe.config.refuse_reload"), std::string::npos)
      << result.output;
}

TEST_F(Refusal, CheckConfigWrongTypeAndMissingFile) {
  const auto file =
      write_file(dir_ / "type.yaml", "service: s\nhttp: {port: eighty}\nplugins: {probe: {}}\n");
  auto result = run_command("check-config " + file);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("http.port"), std::string::npos) << result.output;
  auto missing = run_command("check-config " + (dir_ / "absent.yaml").string());
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("absent.yaml"), std::string::npos) << missing.output;
}

// check-config refuses what start would: two plugins on one prefix, and a
// plugin section that its schema refuses (Reporting's formats, once each).
TEST_F(Refusal, CheckConfigRefusesWhatStartWouldRefuse) {
  const auto file =
      write_file(dir_ / "clash.yaml", "service: s\nplugin_dirs: [" AH_FIXTURE_PLUGIN_DIR ", " +
                                          binary_dir().string() +
                                          "]\n"
                                          "plugins:\n  probe: {prefix: /same}\n"
                                          "  throwing-init: {prefix: /same}\n"
                                          "  reporting: {config: {formats: [html, html]}}\n");
  auto result = run_command("check-config " + file);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("plugins.throwing-init.prefix"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("plugins.reporting.config.formats"), std::string::npos)
      << result.output;
  auto started = run_command("--config " + file);
  EXPECT_EQ(started.exit_code, 1) << started.output;
  EXPECT_NE(started.output.find("plugins.throwing-init.prefix"), std::string::npos)
      << started.output;
}

TEST_F(Refusal, CheckConfigAcceptsAGoodConfig) {
  const auto file =
      write_file(dir_ / "good.yaml", "service: s\nplugin_dirs: [" AH_FIXTURE_PLUGIN_DIR
                                     "]\n"
                                     "plugins: {probe: {config: {label: fine}}}\n");
  auto result = run_command("check-config " + file);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("ok"), std::string::npos);
}

TEST_F(Refusal, APortInUseIsAStartupErrorNamingTheKey) {
  HostProcess first(probe_config());
  const auto file =
      write_file(dir_ / "port.yaml",
                 "service: s\nhttp: {port: " + std::to_string(first.port()) +
                     ", address: 127.0.0.1}\nmetrics: {port: 0}\nstorage: {data_dir: " +
                     (dir_ / "data").string() +
                     "}\nplugin_dirs: [" AH_FIXTURE_PLUGIN_DIR "]\nplugins: {probe: {}}\n");
  auto result = run_command("--config " + file);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("http.port"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace agent_host::test
