#include "logging/retained_daily_file_sink.hpp"

#include <gtest/gtest.h>
#include <spdlog/logger.h>

#include <fstream>

#include "temp_dir.hpp"

namespace agent_host::logging {
namespace {

namespace fs = std::filesystem;
using agent_host::testing::TempDir;

void touch(const fs::path& file, std::chrono::hours age) {
  std::ofstream(file) << "old line\n";
  fs::last_write_time(file, fs::file_time_type::clock::now() - age);
}

TEST(RetainedDailyFileSink, NamesCarryDayAndIndex) {
  EXPECT_EQ(RetainedDailyFileSink::file_for("logs/agent-host.log", "2026-11-23", 0),
            fs::path("logs/agent-host_2026-11-23.log"));
  EXPECT_EQ(RetainedDailyFileSink::file_for("logs/agent-host.log", "2026-11-23", 2),
            fs::path("logs/agent-host_2026-11-23.2.log"));
}

TEST(RetainedDailyFileSink, OldFilesOfTheFamilyAreDeletedAtStart) {
  TempDir dir{"ah-sink-test"};
  const fs::path base = dir.path() / "agent-host.log";
  touch(dir.path() / "agent-host_2020-01-01.log", std::chrono::hours(24 * 30));
  touch(dir.path() / "agent-host_2020-01-02.1.log", std::chrono::hours(24 * 8));
  touch(dir.path() / "agent-host_2020-01-09.log", std::chrono::hours(24 * 2));
  touch(dir.path() / "unrelated.log", std::chrono::hours(24 * 30));
  touch(dir.path() / "agent-host_notes.txt", std::chrono::hours(24 * 30));

  RetainedDailyFileSink sink(base, 7, 1024 * 1024);

  EXPECT_FALSE(fs::exists(dir.path() / "agent-host_2020-01-01.log"));
  EXPECT_FALSE(fs::exists(dir.path() / "agent-host_2020-01-02.1.log"));
  EXPECT_TRUE(fs::exists(dir.path() / "agent-host_2020-01-09.log"));
  EXPECT_TRUE(fs::exists(dir.path() / "unrelated.log"));
  EXPECT_TRUE(fs::exists(dir.path() / "agent-host_notes.txt"));
  EXPECT_TRUE(fs::exists(sink.current_file()));
}

TEST(RetainedDailyFileSink, RotatesWhenTheFileOutgrowsItsLimit) {
  TempDir dir{"ah-sink-test"};
  auto sink = std::make_shared<RetainedDailyFileSink>(dir.path() / "a.log", 7, 4096);
  spdlog::logger logger("sink-test", sink);
  logger.set_pattern("%v");
  const fs::path first = sink->current_file();
  for (int i = 0; i < 100; ++i) logger.info(std::string(100, 'x'));
  logger.flush();
  const fs::path later = sink->current_file();
  EXPECT_NE(first, later);
  EXPECT_LE(fs::file_size(first), 4096u);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path())) ++files;
  EXPECT_GE(files, 3u);  // 100 lines of 101 bytes in files of at most 4096 bytes
}

TEST(RetainedDailyFileSink, OldFilesAreAlsoDeletedAtEachRotation) {
  TempDir dir{"ah-sink-test"};
  auto sink = std::make_shared<RetainedDailyFileSink>(dir.path() / "a.log", 3, 4096);
  spdlog::logger logger("sink-test", sink);
  logger.set_pattern("%v");
  const fs::path expired = dir.path() / "a_2001-01-01.log";
  touch(expired, std::chrono::hours(24 * 4));
  for (int i = 0; i < 50; ++i) logger.info(std::string(100, 'x'));  // forces a rotation
  EXPECT_FALSE(fs::exists(expired));
}

TEST(RetainedDailyFileSink, ARestartContinuesTodaysFileUnlessItIsFull) {
  TempDir dir{"ah-sink-test"};
  fs::path first;
  {
    RetainedDailyFileSink sink(dir.path() / "a.log", 7, 4096);
    first = sink.current_file();
  }
  {
    RetainedDailyFileSink sink(dir.path() / "a.log", 7, 4096);
    EXPECT_EQ(sink.current_file(), first);
  }
  std::ofstream(first, std::ios::app) << std::string(5000, 'x');
  RetainedDailyFileSink sink(dir.path() / "a.log", 7, 4096);
  EXPECT_NE(sink.current_file(), first);
}

}  // namespace
}  // namespace agent_host::logging
