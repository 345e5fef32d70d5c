// Config files an operator may get wrong: check-config and a running host's
// reload refuse them with a message naming the file, quickly, without
// reading a device or waiting on a FIFO, and a running host keeps its config.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <csignal>
#include <cstdio>
#include <thread>

#include "shipped_host.hpp"

namespace agent_host::test {
namespace {

class ConfigFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ah-config-files-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return dir_ / name;
  }
  void expect_refused(const std::filesystem::path& file, const std::string& words) {
    const auto began = std::chrono::steady_clock::now();
    const Command result = run_agent_host("check-config " + file.string());
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_NE(result.output.find(file.string()), std::string::npos) << result.output;
    EXPECT_NE(result.output.find(words), std::string::npos) << result.output;
    EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(10));
  }
  std::filesystem::path dir_;
};

TEST_F(ConfigFiles, AliasesThatLoopOrExplodeAreRefused) {
  expect_refused(write("loop.yaml", "x: &l [*l]\n"), "nested deeper");
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  for (char level = 'b'; level <= 'k'; ++level) {
    bomb += std::string(1, level) + ": &" + level + " [";
    for (int i = 0; i < 9; ++i) bomb += std::string(i ? ", *" : "*") + char(level - 1);
    bomb += "]\n";
  }
  expect_refused(write("bomb.yaml", bomb), "aliases");
}

TEST_F(ConfigFiles, DevicesFifosAndHugeFilesAreNotRead) {
  expect_refused("/dev/zero", "is a device");
  expect_refused("/dev/urandom", "is a device");
  const auto fifo = dir_ / "fifo.yaml";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  expect_refused(fifo, "is a FIFO");
  expect_refused(write("huge.yaml", std::string(5 << 20, '#')), "at most");
  expect_refused(write("latin1.yaml", "service: caf\xe9\n"), "UTF-8");
}

TEST_F(ConfigFiles, AReloadOfABombKeepsTheRunningConfig) {
  HostProcess host(all_in_one_test_config());
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n";
  for (char level = 'b'; level <= 'k'; ++level) {
    bomb += std::string(1, level) + ": &" + level + " [";
    for (int i = 0; i < 9; ++i) bomb += std::string(i ? ", *" : "*") + char(level - 1);
    bomb += "]\n";
  }
  std::ofstream(host.config_file(), std::ios::binary | std::ios::trunc) << bomb;
  host.signal(SIGHUP);
  // Waits for the refusal itself (it names the aliases), not for a fixed time:
  // under load the reload's log line comes late.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (host.logs().find("aliases") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_NE(host.logs().find("aliases"), std::string::npos) << host.logs();
  EXPECT_EQ(http("GET", host.base_url() + "/healthz").status, 200) << host.logs();
  EXPECT_EQ(http("GET", host.base_url() + "/task/tasks?limit=1").status, 200);
}

}  // namespace
}  // namespace agent_host::test
