// No page the host serves loads anything from outside: every page (the host's
// own, the Swagger UI at /docs, a generated HTML report) and the stylesheets
// and scripts they reference name only this host. The real host runs the
// shipped all-in-one config.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "host_process.hpp"
#include "role_config.hpp"

namespace agent_host::test {
namespace {

// The URLs a page or stylesheet makes the browser load: src=, href=, url(), @import.
std::set<std::string> referenced_urls(const std::string& text) {
  static const std::regex reference(
      R"re((?:src|href)\s*=\s*["']([^"']*)["']|url\(\s*["']?([^"')]*)["']?\s*\)|@import\s+["']([^"']*)["'])re",
      std::regex::icase);
  std::set<std::string> urls;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), reference);
       it != std::sregex_iterator(); ++it)
    for (size_t group = 1; group <= 3; ++group)
      if ((*it)[group].matched) urls.insert((*it)[group].str());
  return urls;
}

// Absolute (scheme or protocol-relative) URLs leave the host; data: and
// fragment links do not. An SVG namespace inside a data: URL is no load.
bool leaves_the_host(const std::string& url) {
  if (url.rfind("data:", 0) == 0 || url.rfind("#", 0) == 0) return false;
  return url.rfind("//", 0) == 0 || std::regex_search(url, std::regex("^[a-zA-Z][a-zA-Z0-9+.-]*:"));
}

class ServedPages : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { host_ = new HostProcess(all_in_one_test_config()); }
  static void TearDownTestSuite() {
    delete host_;
    host_ = nullptr;
  }
  // Checks `path` and, one level down, the same-host resources it references.
  static void expect_only_this_host(const std::string& path) {
    SCOPED_TRACE(path);
    const Reply page = http("GET", host_->base_url() + path);
    ASSERT_EQ(page.status, 200) << page.body;
    for (const auto& url : referenced_urls(page.body)) {
      EXPECT_FALSE(leaves_the_host(url)) << path << " loads " << url;
      if (leaves_the_host(url) || url.rfind("data:", 0) == 0 || url.rfind("#", 0) == 0) continue;
      const std::string resource = url.front() == '/' ? url : "/docs/" + url;
      const Reply loaded = http("GET", host_->base_url() + resource);
      EXPECT_EQ(loaded.status, 200) << path << " references " << resource << " which is missing";
      // Scripts make no markup of their own here; their config is checked below.
      if (resource.size() > 3 && resource.compare(resource.size() - 3, 3, ".js") == 0) continue;
      for (const auto& inner : referenced_urls(loaded.body))
        EXPECT_FALSE(leaves_the_host(inner)) << resource << " loads " << inner;
    }
  }
  static HostProcess* host_;
};
HostProcess* ServedPages::host_ = nullptr;

TEST_F(ServedPages, TheReferenceScanFindsExternalLoads) {
  const auto urls = referenced_urls(
      R"(<img src="https://validator.swagger.io/x"><link href='//fonts.example/css'>)"
      R"(<style>@import "http://cdn.example/a.css"; a{background:url(data:image/png;base64,x)}</style>)");
  ASSERT_EQ(urls.size(), 4u);
  int external = 0;
  for (const auto& url : urls) external += leaves_the_host(url) ? 1 : 0;
  EXPECT_EQ(external, 3);
}

TEST_F(ServedPages, SwaggerUiLoadsNothingFromOutside) {
  for (const char* path : {"/docs", "/docs/", "/docs/index.html", "/docs/oauth2-redirect.html"})
    expect_only_this_host(path);
}

TEST_F(ServedPages, SwaggerUiDoesNotAskTheOnlineValidator) {
  // Swagger UI's default validatorUrl posts the spec's URL to validator.swagger.io
  // and shows its badge; the page must turn it off wherever it is opened from.
  for (const char* path : {"/docs", "/docs/index.html"}) {
    const Reply page = http("GET", host_->base_url() + path);
    ASSERT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("validatorUrl: null"), std::string::npos) << path << ":\n"
                                                                       << page.body;
    EXPECT_EQ(page.body.find("petstore"), std::string::npos) << path;
  }
}

TEST_F(ServedPages, AnHtmlReportLoadsNothingFromOutside) {
  const Reply created =
      http("POST", host_->base_url() + "/reporting/reports", R"({"period":"daily"})");
  ASSERT_EQ(created.status, 201) << created.body;
  expect_only_this_host("/reporting/reports/" + created.json()["id"].get<std::string>() +
                        "?format=html");
}

}  // namespace
}  // namespace agent_host::test
