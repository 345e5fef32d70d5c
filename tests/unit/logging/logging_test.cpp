#include "logging/logging.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "temp_dir.hpp"

namespace agent_host::logging {
namespace {

using agent_host::testing::TempDir;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

class LoggingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("AGENT_HOST_LOG_LEVEL");
    configure(LogOptions{});
  }
  void TearDown() override {
    unsetenv("AGENT_HOST_LOG_LEVEL");
    Logging::configure(LogOptions{});
  }

  static LogOptions options(std::string level, std::string format = "json",
                            std::string file_path = "", std::string service = "task-manager") {
    LogOptions result;
    result.service = std::move(service);
    result.level = std::move(level);
    result.format = std::move(format);
    result.file_path = std::move(file_path);
    return result;
  }

  static void configure(LogOptions options) {
    if (options.service.empty()) options.service = "task-manager";
    Logging::configure(options);
  }

  // Runs `body` with stdout captured and returns the lines it printed.
  template <typename Body>
  static std::vector<std::string> captured_lines(Body body) {
    ::testing::internal::CaptureStdout();
    body();
    Logging::flush();
    std::istringstream text(::testing::internal::GetCapturedStdout());
    std::vector<std::string> lines;
    for (std::string line; std::getline(text, line);) lines.push_back(line);
    return lines;
  }

  static json only_json_line(const std::vector<std::string>& lines) {
    EXPECT_EQ(lines.size(), 1u);
    if (lines.empty()) return nullptr;
    return json::parse(lines.front());
  }
};

TEST_F(LoggingTest, NastyStringsSurviveARoundTrip) {
  const std::vector<std::string> nasty = {
      "quote \" and backslash \\ and slash /",
      "new\nline, carriage\rreturn, tab\t, nul-free controls \x01\x1f\x7f",
      "UTF-8: grüße, 日本語, emoji 😀",
      "format braces {} {0} %s %v %n",
      "",
  };
  for (const std::string& text : nasty) {
    const auto lines = captured_lines([&] {
      Logging::log(AH_LOG_INFO, "plu\"gin", text, json{{"value", text}}.dump());
    });
    const json parsed = only_json_line(lines);
    EXPECT_EQ(parsed["msg"], text);
    EXPECT_EQ(parsed["value"], text);
    EXPECT_EQ(parsed["plugin"], "plu\"gin");
  }
}

TEST_F(LoggingTest, CarriesTimestampLevelServiceAndPlugin) {
  const json parsed = only_json_line(captured_lines([] { log_warn("workflow", "careful"); }));
  EXPECT_EQ(parsed["level"], "warn");
  EXPECT_EQ(parsed["service"], "task-manager");
  EXPECT_EQ(parsed["plugin"], "workflow");
  EXPECT_EQ(parsed["msg"], "careful");
  EXPECT_THAT(
      parsed["ts"].get<std::string>(),
      ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z"));
}

TEST_F(LoggingTest, FieldsAreMergedAtTopLevel) {
  const json parsed = only_json_line(captured_lines([] {
    Logging::log(AH_LOG_INFO, "host", "started", R"({"port": 8080, "tls": false, "tags": ["a"]})");
  }));
  EXPECT_EQ(parsed["port"], 8080);
  EXPECT_EQ(parsed["tls"], false);
  EXPECT_EQ(parsed["tags"], json::array({"a"}));
  EXPECT_FALSE(parsed.contains("fields"));
}

TEST_F(LoggingTest, ReservedKeysGoUnderFieldsInsteadOfClobbering) {
  const json parsed = only_json_line(captured_lines([] {
    log_info("host", "real message",
             json{{"level", "fake"}, {"msg", "fake"}, {"ts", 1}, {"service", "x"}, {"ok", 1}});
  }));
  EXPECT_EQ(parsed["level"], "info");
  EXPECT_EQ(parsed["msg"], "real message");
  EXPECT_EQ(parsed["service"], "task-manager");
  EXPECT_EQ(parsed["fields"]["level"], "fake");
  EXPECT_EQ(parsed["fields"]["msg"], "fake");
  EXPECT_EQ(parsed["fields"]["ts"], 1);
  EXPECT_EQ(parsed["ok"], 1);
}

TEST_F(LoggingTest, InvalidFieldsJsonIsKeptRaw) {
  const json parsed = only_json_line(
      captured_lines([] { Logging::log(AH_LOG_INFO, "p", "m", "{not json \"at all"); }));
  EXPECT_EQ(parsed["fields_raw"], "{not json \"at all");
}

TEST_F(LoggingTest, EmptyFieldsAddNothing) {
  const json parsed =
      only_json_line(captured_lines([] { Logging::log(AH_LOG_INFO, "p", "m", "  "); }));
  EXPECT_EQ(parsed.size(), 5u);
}

TEST_F(LoggingTest, LevelFiltering) {
  configure(options("warn"));
  EXPECT_FALSE(Logging::enabled(AH_LOG_INFO));
  EXPECT_TRUE(Logging::enabled(AH_LOG_WARN));
  const auto lines = captured_lines([] {
    log_debug("p", "d");
    log_info("p", "i");
    log_warn("p", "w");
    log_error("p", "e");
  });
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(json::parse(lines[0])["msg"], "w");
  EXPECT_EQ(json::parse(lines[1])["msg"], "e");
}

TEST_F(LoggingTest, EnvironmentOverridesTheConfiguredLevel) {
  setenv("AGENT_HOST_LOG_LEVEL", "debug", 1);
  configure(options("error"));
  EXPECT_TRUE(Logging::enabled(AH_LOG_DEBUG));
  EXPECT_FALSE(Logging::enabled(AH_LOG_TRACE));
}

TEST_F(LoggingTest, BadEnvironmentLevelIsReportedAndIgnored) {
  setenv("AGENT_HOST_LOG_LEVEL", "loud", 1);
  const auto lines = captured_lines([] { configure(options("info")); });
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], HasSubstr("AGENT_HOST_LOG_LEVEL"));
  EXPECT_THAT(lines[0], HasSubstr("loud"));
  EXPECT_TRUE(Logging::enabled(AH_LOG_INFO));
  EXPECT_FALSE(Logging::enabled(AH_LOG_DEBUG));
}

TEST_F(LoggingTest, BadOptionsAreRefusedAndTheOldConfigStays) {
  configure(options("error"));
  EXPECT_THROW(configure(options("loud")), std::invalid_argument);
  EXPECT_THROW(configure(options("info", "xml")), std::invalid_argument);
  EXPECT_FALSE(Logging::enabled(AH_LOG_WARN));
}

TEST_F(LoggingTest, SecretsAreRedactedInMessageAndFields) {
  Logging::add_secret("sk-live-0123456789");
  Logging::add_secret("abc");  // too short: ignored
  const json parsed = only_json_line(captured_lines([] {
    Logging::log(
        AH_LOG_INFO, "p", "key is sk-live-0123456789 (abc)",
        R"({"header": "Bearer sk-live-0123456789", "nested": {"k": ["sk-live-0123456789"]}})");
  }));
  EXPECT_EQ(parsed["msg"], "key is [REDACTED] (abc)");
  EXPECT_EQ(parsed["header"], "Bearer [REDACTED]");
  EXPECT_EQ(parsed["nested"]["k"][0], "[REDACTED]");
  const json raw = only_json_line(
      captured_lines([] { Logging::log(AH_LOG_INFO, "p", "m", "broken sk-live-0123456789 {"); }));
  EXPECT_EQ(raw["fields_raw"], "broken [REDACTED] {");
}

TEST_F(LoggingTest, SecretsNeedingJsonEscapesAreRedactedToo) {
  Logging::add_secret("pa\"ss\\word");
  const auto lines = captured_lines([] { log_info("p", "pw=pa\"ss\\word"); });
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], Not(HasSubstr("ss\\\\word")));
  EXPECT_EQ(json::parse(lines[0])["msg"], "pw=[REDACTED]");
}

TEST_F(LoggingTest, TextFormatIsOneReadableLine) {
  configure(options("info", "text", "", "svc"));
  const auto lines = captured_lines([] { log_info("host", "listening", json{{"port", 8080}}); });
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], ::testing::MatchesRegex("[0-9T:.-]+Z INFO  svc/host: listening port=8080"));
}

TEST_F(LoggingTest, ConcurrentLinesNeverInterleave) {
  const auto lines = captured_lines([] {
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([t] {
        for (int i = 0; i < 200; ++i)
          log_info("p", std::string(100, static_cast<char>('a' + t)), json{{"i", i}});
      });
    }
    for (auto& thread : threads) thread.join();
  });
  ASSERT_EQ(lines.size(), 800u);
  for (const std::string& line : lines) EXPECT_NO_THROW(json::parse(line)) << line;
}

std::vector<std::filesystem::path> files_in(const std::filesystem::path& directory) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory))
    files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

TEST_F(LoggingTest, FileOutputGetsTheSameLines) {
  TempDir dir{"ah-logging-test"};
  std::filesystem::create_directories(dir.path() / "logs");
  const auto expired = dir.path() / "logs" / "agent-host_2001-01-01.log";
  std::ofstream(expired) << "{}\n";
  std::filesystem::last_write_time(
      expired, std::filesystem::file_time_type::clock::now() - std::chrono::hours(24 * 8));
  configure(options("info", "json", (dir.path() / "logs" / "agent-host.log").string(), "svc"));
  EXPECT_FALSE(std::filesystem::exists(expired)) << "older than retention_days (7)";
  captured_lines([] { log_info("host", "to the file", json{{"n", 1}}); });
  configure(LogOptions{});  // closes the file
  const auto files = files_in(dir.path() / "logs");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_THAT(files[0].filename().string(), ::testing::MatchesRegex("agent-host_[0-9-]{10}\\.log"));
  std::ifstream in(files[0]);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(json::parse(line)["msg"], "to the file");
}

TEST_F(LoggingTest, UnwritableLogFileIsAClearError) {
  TempDir dir{"ah-logging-test"};
  std::ofstream(dir.path() / "blocker") << "a file where a directory should be";
  try {
    configure(options("info", "json", (dir.path() / "blocker" / "x.log").string()));
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_THAT(error.what(), HasSubstr("log.file.path"));
  }
}

}  // namespace
}  // namespace agent_host::logging
