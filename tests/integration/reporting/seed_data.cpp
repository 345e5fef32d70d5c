#include "seed_data.hpp"

#include <chrono>
#include <host_process.hpp>
#include <stdexcept>
#include <thread>

namespace reporting::test {
namespace {

using agent_host::test::http;
using nlohmann::json;

json post(const std::string& url, const json& body) {
  auto reply = http("POST", url, body.dump(), {{"content-type", "application/json"}});
  if (reply.status / 100 != 2)
    throw std::runtime_error("POST " + url + " answered " + std::to_string(reply.status) + ": " +
                             reply.body);
  return reply.body.empty() ? json::object() : reply.json();
}

std::string create_task(const std::string& task_url, const std::string& title, const json& assignee,
                        const json& due_at = nullptr) {
  json body = {{"title", title}, {"priority", "medium"}, {"assignee", assignee}};
  if (!due_at.is_null()) body["due_at"] = due_at;
  return post(task_url + "/tasks", body)["id"];
}

void transition(const std::string& task_url, const std::string& id, const std::string& to) {
  post(task_url + "/tasks/" + id + "/transitions", {{"to", to}});
}

}  // namespace

void seed_tasks(const std::string& task_url) {
  const json past = "2020-01-01T00:00:00Z";
  const std::string ada1 = create_task(task_url, "Ship the release", "ada");
  const std::string ada2 = create_task(task_url, "Review the design", "ada");
  const std::string ada3 = create_task(task_url, "Blocked on <vendor> | waiting", "ada");
  create_task(task_url, "Renew certificates", "ada", past);  // overdue
  const std::string linus1 = create_task(task_url, "Merge the patches", "linus");
  create_task(task_url, "Answer the mailing list", "linus", past);  // overdue
  create_task(task_url, "Plan the next cycle", "linus");
  const std::string grace1 = create_task(task_url, "Old idea", "grace");
  const std::string grace2 = create_task(task_url, "Compile the compiler", "grace");
  create_task(task_url, "Nobody's task", nullptr);
  transition(task_url, ada1, "done");
  transition(task_url, ada2, "in_progress");
  transition(task_url, ada2, "done");
  transition(task_url, ada3, "blocked");
  transition(task_url, linus1, "done");
  transition(task_url, grace1, "cancelled");
  transition(task_url, grace2, "in_progress");
}

void seed_runs(const std::string& workflow_url) {
  post(workflow_url + "/workflows",
       {{"name", "nightly-ok"},
        {"steps",
         json::array(
             {{{"id", "build"}, {"type", "transform"}, {"with", {{"value", {{"ok", true}}}}}}})}});
  post(workflow_url + "/workflows",
       {{"name", "deploy-broken"},
        {"steps",
         json::array({{{"id", "prepare"}, {"type", "transform"}, {"with", {{"value", 1}}}},
                      {{"id", "explode"}, {"type", "fail"}, {"with", {{"message", "boom"}}}}})}});
  for (int i = 0; i < 3; ++i)
    post(workflow_url + "/workflows/nightly-ok/runs", {{"input", json::object()}});
  for (int i = 0; i < 2; ++i)
    post(workflow_url + "/workflows/deploy-broken/runs", {{"input", json::object()}});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    auto reply = http("GET", workflow_url + "/runs?status=queued,running,waiting&limit=10");
    if (reply.status == 200 && reply.json()["items"].empty()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("workflow runs did not finish within 30 s");
}

}  // namespace reporting::test
