// Every list of the three agents reads limit, cursor, time bounds and enums
// the same strict way (agent_host/list_params.hpp): the same 400 naming the
// parameter. The real host runs the shipped all-in-one config.
#include <gtest/gtest.h>

#include "host_process.hpp"
#include "role_config.hpp"

namespace agent_host::test {
namespace {

const char* const kLists[] = {"/task/tasks", "/workflow/runs", "/reporting/reports"};
// Each list's time bound and enum filter.
const char* const kTimeParameter[] = {"due_before", "from", "since"};
const char* const kEnumParameter[] = {"status", "status", "period"};

class ListParameters : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { host_ = new HostProcess(all_in_one_test_config()); }
  static void TearDownTestSuite() {
    delete host_;
    host_ = nullptr;
  }
  // The field a 400 names, "" when the answer is not a 400.
  static std::string refused_field(const std::string& path_and_query) {
    const Reply reply = http("GET", host_->base_url() + path_and_query);
    if (reply.status != 400) return "status " + std::to_string(reply.status);
    return reply.json()["error"].value("field", "");
  }
  static HostProcess* host_;
};
HostProcess* ListParameters::host_ = nullptr;

TEST_F(ListParameters, LimitIsPlainDigitsInRange) {
  for (const char* list : kLists) {
    for (const char* bad : {"3abc", "1e2", "0", "-1", "%2B3", "%203", "", "99999999999999999999"})
      EXPECT_EQ(refused_field(std::string(list) + "?limit=" + bad), "limit")
          << list << " limit=" << bad;
    EXPECT_EQ(http("GET", host_->base_url() + list + "?limit=3").status, 200) << list;
  }
}

TEST_F(ListParameters, AnEmptyOrForeignCursorIs400) {
  for (const char* list : kLists) {
    EXPECT_EQ(refused_field(std::string(list) + "?cursor="), "cursor") << list;
    EXPECT_EQ(refused_field(std::string(list) + "?cursor=not-ours!"), "cursor") << list;
  }
}

TEST_F(ListParameters, TimesAreRfc3339Within1970To9999) {
  for (size_t i = 0; i < std::size(kLists); ++i) {
    const std::string prefix = std::string(kLists[i]) + "?" + kTimeParameter[i] + "=";
    for (const char* bad : {"0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "yesterday",
                            "2024-02-30T00:00:00Z", "2024-05-01", "10000-01-01T00:00:00Z"})
      EXPECT_EQ(refused_field(prefix + bad), kTimeParameter[i]) << prefix << bad;
    EXPECT_EQ(http("GET", host_->base_url() + prefix + "9999-12-31T00:00:00Z").status, 200)
        << prefix;
  }
  const Reply early =
      http("GET", host_->base_url() + "/task/tasks?due_before=0001-01-01T00:00:00Z");
  EXPECT_NE(early.json()["error"]["message"].get<std::string>().find("1970-01-01T00:00:00Z"),
            std::string::npos)
      << early.body;
}

TEST_F(ListParameters, EnumsAndUnknownNames) {
  for (size_t i = 0; i < std::size(kLists); ++i) {
    EXPECT_EQ(refused_field(std::string(kLists[i]) + "?" + kEnumParameter[i] + "=nonsense"),
              kEnumParameter[i])
        << kLists[i];
    EXPECT_EQ(refused_field(std::string(kLists[i]) + "?colour=red"), "colour") << kLists[i];
  }
}

TEST_F(ListParameters, ReportAtIsBoundedToo) {
  for (const char* at : {"0001-01-01T00:00:00Z", "1970-01-02T00:00:00Z"}) {
    const Reply reply = http("POST", host_->base_url() + "/reporting/reports",
                             std::string(R"({"period":"daily","at":")") + at + "\"}");
    EXPECT_EQ(reply.status, 400) << at << ": " << reply.body;
    EXPECT_EQ(reply.json()["error"]["field"], "at") << reply.body;
  }
}

}  // namespace
}  // namespace agent_host::test
