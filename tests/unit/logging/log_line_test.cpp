#include "logging/log_line.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "logging/log_levels.hpp"
#include "logging/redactor.hpp"

namespace agent_host::logging {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

LogRecord record_with(std::string_view message, json fields = nullptr) {
  LogRecord record;
  record.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1795442587123LL));
  record.level = AH_LOG_INFO;
  record.service = "task-manager";
  record.plugin = "host";
  record.message = message;
  record.fields = std::move(fields);
  return record;
}

TEST(Rfc3339, UtcWithMilliseconds) {
  using std::chrono::milliseconds;
  using std::chrono::system_clock;
  EXPECT_EQ(rfc3339_utc_millis(system_clock::time_point(milliseconds(1795442587123LL))),
            "2026-11-23T14:03:07.123Z");
  EXPECT_EQ(rfc3339_utc_millis(system_clock::time_point(milliseconds(5))),
            "1970-01-01T00:00:00.005Z");
}

TEST(JsonLine, KeysComeInTheDocumentedOrder) {
  EXPECT_EQ(format_json_line(record_with("hello")),
            R"({"ts":"2026-11-23T14:03:07.123Z","level":"info","service":"task-manager",)"
            R"("plugin":"host","msg":"hello"})");
}

TEST(JsonLine, InvalidUtf8IsReplacedNotThrown) {
  const std::string line = format_json_line(record_with("bad \xff\xfe bytes"));
  const json parsed = json::parse(line);
  EXPECT_THAT(parsed["msg"].get<std::string>(), HasSubstr("bad "));
}

TEST(JsonLine, NonObjectFieldsGoUnderFields) {
  const json parsed = json::parse(format_json_line(record_with("m", json::array({1, 2}))));
  EXPECT_EQ(parsed["fields"], json::array({1, 2}));
}

TEST(TextLine, ReadableOnOneLine) {
  const std::string line =
      format_text_line(record_with("two\nlines", json{{"task", "abc-1"}, {"n", 3}, {"msg", "x"}}));
  EXPECT_EQ(line,
            "2026-11-23T14:03:07.123Z INFO  task-manager/host: two\\nlines n=3 task=abc-1 "
            "fields={\"msg\":\"x\"}");
}

TEST(Levels, NamesRoundTripAndOutOfRangeIsClamped) {
  for (int value = AH_LOG_TRACE; value <= AH_LOG_ERROR; ++value) {
    const auto level = static_cast<ah_log_level>(value);
    EXPECT_EQ(parse_level(level_name(level)), level);
  }
  EXPECT_EQ(level_name(static_cast<ah_log_level>(42)), "error");
  EXPECT_EQ(level_name(static_cast<ah_log_level>(-3)), "trace");
  EXPECT_FALSE(parse_level("verbose").has_value());
}

TEST(Redactor, ReplacesEveryOccurrenceLongestFirst) {
  const Redactor redactor = Redactor().with_secret("hunter2").with_secret("hunter2-extended");
  EXPECT_EQ(redactor.redact("a hunter2-extended b hunter2 c hunter2"),
            "a [REDACTED] b [REDACTED] c [REDACTED]");
}

TEST(Redactor, ShortValuesAreIgnored) {
  const Redactor redactor = Redactor().with_secret("abc");
  EXPECT_TRUE(redactor.empty());
  EXPECT_EQ(redactor.redact("abc"), "abc");
}

TEST(Redactor, JsonStringsAndKeysAreRedactedRecursively) {
  const Redactor redactor = Redactor().with_secret("s3cr3t!");
  json value{{"token", "Bearer s3cr3t!"}, {"list", {"x", "s3cr3t!"}}, {"s3cr3t!", 1}};
  redactor.redact_json(value);
  EXPECT_EQ(value["token"], "Bearer [REDACTED]");
  EXPECT_EQ(value["list"][1], "[REDACTED]");
  EXPECT_TRUE(value.contains("[REDACTED]"));
}

}  // namespace
}  // namespace agent_host::logging
