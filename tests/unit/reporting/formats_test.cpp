#include "formats.hpp"

#include <gtest/gtest.h>

namespace reporting {
namespace {

const std::vector<std::string> kAll = {"markdown", "html", "json", "csv"};

std::string pick(const std::string& accept, const std::vector<std::string>& stored = kAll) {
  auto format = negotiate(accept, stored);
  return format ? format->name : "none";
}

TEST(Formats, NegotiatesByAcceptHeader) {
  EXPECT_EQ(pick("text/html"), "html");
  EXPECT_EQ(pick("text/markdown"), "markdown");
  EXPECT_EQ(pick("text/csv"), "csv");
  EXPECT_EQ(pick("application/json"), "json");
  EXPECT_EQ(pick(""), "json");
  EXPECT_EQ(pick("*/*"), "json");
  EXPECT_EQ(pick("image/png"), "none");
}

TEST(Formats, HonoursQualityAndSpecificity) {
  // A browser: HTML first.
  EXPECT_EQ(pick("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"), "html");
  EXPECT_EQ(pick("text/html;q=0.2, text/csv;q=0.9"), "csv");
  EXPECT_EQ(pick("text/*;q=0.5, text/markdown"), "markdown");
  // Excluded explicitly even though */* would match.
  EXPECT_EQ(pick("application/json;q=0, text/csv;q=0.1, */*;q=0.05", {"json", "csv"}), "csv");
  EXPECT_EQ(pick("TEXT/HTML"), "html");
}

TEST(Formats, OnlyStoredFormatsAreOffered) {
  EXPECT_EQ(pick("text/html", {"json", "csv"}), "none");
  EXPECT_EQ(pick("", {"markdown", "csv"}), "markdown");
}

TEST(Formats, KnowsAliases) {
  EXPECT_EQ(format_named("md")->name, "markdown");
  EXPECT_EQ(format_named("HTM")->name, "html");
  EXPECT_FALSE(format_named("pdf"));
}

}  // namespace
}  // namespace reporting
