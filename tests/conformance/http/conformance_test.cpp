// Differential conformance: every request of the corpus goes, raw, to nginx
// (`return 200`) and to the real agent-host with the probe plugin, both with
// the same timeouts and body limit. The host's answer class (status classes
// of its answers, whether the connection closes, how soon the first answer
// came) must be nginx's, or the case says why not and what the host shows.
#include <gtest/gtest.h>

#include <future>
#include <sstream>

#include "corpus.hpp"
#include "host_process.hpp"
#include "reference_nginx.hpp"

namespace agent_host::test {
namespace {

constexpr ReferenceLimits kLimits{1000, 1000, 10000, 1048576};
// An answer later than this came after a timeout, not "at once".
constexpr std::chrono::milliseconds kAtOnce(700);

// "2xx,4xx close now": final answers' status classes, whether the server
// closed the connection, and whether the first final answer came at once.
std::string answer_class(const RawOutcome& outcome) {
  if (!outcome.connected) return "refused";
  std::ostringstream out;
  std::string statuses;
  const RawAnswer* first = nullptr;
  for (const auto& answer : outcome.answers) {
    if (answer.status < 200) continue;
    if (!statuses.empty()) statuses += ",";
    statuses += std::to_string(answer.status / 100) + "xx";
    if (first == nullptr) first = &answer;
  }
  if (!outcome.unparsed.empty()) statuses += statuses.empty() ? "garbage" : ",garbage";
  out << (statuses.empty() ? "none" : statuses) << (outcome.closed ? " close" : " open");
  if (first != nullptr) out << (first->after_last_send < kAtOnce ? " now" : " late");
  return out.str();
}

// When the first final answer came, for a failure's message: "now" and
// "late" are split at kAtOnce, and a loaded machine can push one across.
std::string first_answer_time(const RawOutcome& outcome) {
  for (const auto& answer : outcome.answers)
    if (answer.status >= 200) return std::to_string(answer.after_last_send.count()) + " ms";
  return "no final answer";
}

ConformanceCase find(const std::vector<ConformanceCase>& corpus, const std::string& name) {
  for (const auto& c : corpus)
    if (c.name == name) return c;
  ADD_FAILURE() << "no case " << name;
  return {};
}

class HttpConformance : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    nginx_ = std::make_unique<ReferenceNginx>(kLimits);
    nlohmann::json config = {{"plugin_dirs", {binary_dir().string(), AH_FIXTURE_PLUGIN_DIR}},
                             {"plugins", {{"probe", {{"config", nlohmann::json::object()}}}}},
                             {"http",
                              {{"header_timeout_ms", kLimits.header_timeout_ms},
                               {"request_timeout_ms", kLimits.body_timeout_ms},
                               {"idle_timeout_ms", kLimits.idle_timeout_ms},
                               {"max_request_bytes", kLimits.max_body_bytes}}}};
    host_ = std::make_unique<HostProcess>(config);
  }
  static void TearDownTestSuite() {
    host_.reset();
    nginx_.reset();
  }
  static std::unique_ptr<ReferenceNginx> nginx_;
  static std::unique_ptr<HostProcess> host_;
};
std::unique_ptr<ReferenceNginx> HttpConformance::nginx_;
std::unique_ptr<HostProcess> HttpConformance::host_;

TEST_F(HttpConformance, CorpusHasTheSizeAndSeedsTheIssueAsks) {
  const auto corpus = conformance_corpus();
  EXPECT_GE(corpus.size(), 80u);
  for (const auto& c : corpus) {
    if (c.differs_because.empty()) continue;
    EXPECT_FALSE(c.host_class.empty()) << c.name << ": a listed difference names the host's class";
  }
}

// Each case goes to both servers at the same time; cases run a few at once.
TEST_F(HttpConformance, HostAnswersEveryCaseLikeNginxOrSaysWhyNot) {
  const auto corpus = conformance_corpus();
  struct Row {
    RawOutcome nginx;
    RawOutcome host;
  };
  std::vector<Row> rows(corpus.size());
  constexpr size_t kAtATime = 6;
  for (size_t start = 0; start < corpus.size(); start += kAtATime) {
    std::vector<std::future<RawOutcome>> nginx, host;
    const size_t end = std::min(corpus.size(), start + kAtATime);
    for (size_t i = start; i < end; ++i) {
      nginx.push_back(std::async(std::launch::async,
                                 [&, i] { return raw_http(nginx_->port(), corpus[i].exchange); }));
      host.push_back(std::async(std::launch::async,
                                [&, i] { return raw_http(host_->port(), corpus[i].exchange); }));
    }
    for (size_t i = start; i < end; ++i) rows[i] = {nginx[i - start].get(), host[i - start].get()};
  }
  std::ostringstream table;
  size_t differing = 0;
  for (size_t i = 0; i < corpus.size(); ++i) {
    const auto& c = corpus[i];
    const bool listed = !c.differs_because.empty();
    differing += listed;
    const std::string nginx = answer_class(rows[i].nginx), host = answer_class(rows[i].host);
    table << (listed ? "  ~ " : "    ") << c.name << ": nginx '" << nginx << "', host '" << host
          << "'" << (listed ? " (" + c.differs_because + ")" : "") << "\n";
    const std::string& expected = listed ? c.host_class : nginx;
    EXPECT_EQ(host, expected) << c.name
                              << (listed ? " (listed: " + c.differs_because + ")"
                                         : ": unlike nginx")
                              << "; first answers: host " << first_answer_time(rows[i].host)
                              << ", nginx " << first_answer_time(rows[i].nginx);
  }
  std::cout << corpus.size() << " cases, " << differing << " listed differences:\n" << table.str();
}

// The issue's first report: chunked one-byte bodies with Connection: close
// must not hold a network thread; health answers meanwhile and afterwards.
TEST_F(HttpConformance, ChunkedBodiesWithCloseNeverStallTheHost) {
  const auto bomb = find(conformance_corpus(), "chunked-5000-one-byte-close");
  std::vector<std::future<RawOutcome>> bombs;
  for (int i = 0; i < 4; ++i)
    bombs.push_back(
        std::async(std::launch::async, [&] { return raw_http(host_->port(), bomb.exchange); }));
  const auto health = raw_http(host_->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(health.answers.size(), 1u) << health.bytes;
  EXPECT_EQ(health.answers[0].status, 200);
  for (auto& outcome : bombs) {
    const auto answered = outcome.get();
    ASSERT_EQ(answered.answers.size(), 1u) << answered.bytes;
    EXPECT_EQ(answered.answers[0].status / 100, 2) << answered.bytes;
    EXPECT_TRUE(answered.closed);
  }
}

}  // namespace
}  // namespace agent_host::test
