// The cost of checking a task request body (parse_new_task / parse_changes),
// without HTTP or storage: how much of a create the validation is.
//   validation_bench [iterations]   prints ns per body for each kind of body
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "validation.hpp"

namespace {

using nlohmann::json;

template <typename Check>
double ns_per_call(long iterations, const Check& check) {
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < iterations; ++i) check();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  return std::chrono::duration<double, std::nano>(elapsed).count() / iterations;
}

template <typename Check>
double ns_per_refusal(long iterations, const Check& check) {
  return ns_per_call(iterations, [&check] {
    try {
      check();
    } catch (const agent_host::HttpError&) {
      return;
    }
    std::abort();  // a refusal was expected
  });
}

}  // namespace

int main(int argc, char** argv) {
  const long iterations = argc > 1 ? std::atol(argv[1]) : 200000;
  const json small = {{"title", "Write the report"}};
  const json full = {{"title", "Write the quarterly report for the board"},
                     {"description", std::string(400, 'd')},
                     {"priority", "high"},
                     {"status", "in_progress"},
                     {"assignee", "ada"},
                     {"tags", {"finance", "q3", "board"}},
                     {"due_at", "2026-12-24T17:00:00Z"}};
  const json patch = {{"title", "New title"}, {"tags", {"a", "b"}}, {"assignee", nullptr}};
  const json bad = {{"title", "x"}, {"priority", "whenever"}};
  volatile size_t sink = 0;
  std::printf("body          ns/body\n");
  std::printf("create small  %.0f\n", ns_per_call(iterations, [&] {
                sink = sink + task_manager::parse_new_task(small).title.size();
              }));
  std::printf("create full   %.0f\n", ns_per_call(iterations, [&] {
                sink = sink + task_manager::parse_new_task(full).tags.size();
              }));
  std::printf("patch         %.0f\n", ns_per_call(iterations, [&] {
                sink = sink + task_manager::parse_changes(patch).names().size();
              }));
  std::printf("create bad    %.0f\n",
              ns_per_refusal(iterations, [&] { task_manager::parse_new_task(bad); }));
  return 0;
}
