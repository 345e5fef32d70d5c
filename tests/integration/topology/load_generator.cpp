#include "load_generator.hpp"

#include <chrono>
#include <ctime>

namespace agent_host::test {
namespace {

std::string rfc3339(std::time_t when) {
  char text[32];
  std::tm parts{};
  gmtime_r(&when, &parts);
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

}  // namespace

LoadGenerator::LoadGenerator(const Topology& topology, int threads) : topology_(topology) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this, i] { run(i); });
}

LoadGenerator::~LoadGenerator() {
  stop();
}

void LoadGenerator::stop() {
  stopping_ = true;
  for (auto& thread : threads_)
    if (thread.joinable()) thread.join();
}

std::vector<std::string> LoadGenerator::created_task_ids() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return created_;
}

std::vector<FailedRequest> LoadGenerator::failures() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return failures_;
}

bool LoadGenerator::expect(const std::string& method, const std::string& path,
                           const std::string& body, int want, std::string* answer) {
  const auto started = std::chrono::steady_clock::now();
  const Reply reply = topology_.call(method, path, body);
  ++requests_;
  if (reply.status == want) {
    if (answer) *answer = reply.body;
    return true;
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  std::lock_guard<std::mutex> lock(mutex_);
  failures_.push_back({method + " " + path, reply.status, reply.body.substr(0, 300), took.count()});
  return false;
}

void LoadGenerator::run(int thread) {
  const std::time_t start = std::time(nullptr);
  const std::string range = "from=" + rfc3339(start - 3600) + "&to=" + rfc3339(start + 3600);
  for (int round = 0; !stopping_; ++round) {
    const std::string title = "load " + std::to_string(thread) + "-" + std::to_string(round);
    std::string created;
    if (expect("POST", "/task/tasks", nlohmann::json{{"title", title}, {"assignee", "ada"}}.dump(),
               201, &created)) {
      const std::string id = nlohmann::json::parse(created).value("id", "");
      {
        std::lock_guard<std::mutex> lock(mutex_);
        created_.push_back(id);
      }
      expect("GET", "/task/tasks/" + id, {}, 200);
    }
    expect("GET", "/task/stats?" + range, {}, 200);
    expect("GET", "/workflow/runs?limit=5", {}, 200);
    expect("GET", "/workflow/stats?" + range, {}, 200);
    expect("GET", "/reporting/reports?limit=5", {}, 200);
    // A report reads both peers through the proxy: the data flow under load.
    if (round % 10 == 0)
      expect(
          "POST", "/reporting/reports",
          nlohmann::json{
              {"from", rfc3339(start - 86400)}, {"to", rfc3339(start + 3600)}, {"summary", false}}
              .dump(),
          201);
  }
}

}  // namespace agent_host::test
