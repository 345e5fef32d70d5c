// Steady traffic through the proxy to all three roles while they are rolled:
// creates tasks (remembering their ids), reads them back, lists workflow runs,
// reads workflow stats, lists and generates reports. Every answer that is not
// the expected status - including no answer at all - is recorded as a failure.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "topology.hpp"

namespace agent_host::test {

struct FailedRequest {
  std::string request;  // "POST /task/tasks"
  int status = 0;       // 0: no answer
  std::string body;     // the start of the answer
  double seconds = 0;   // how long it took
};

class LoadGenerator {
 public:
  LoadGenerator(const Topology& topology, int threads);
  ~LoadGenerator();  // stops
  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;

  void stop();  // waits for the requests in flight
  int requests() const { return requests_.load(); }
  std::vector<std::string> created_task_ids() const;
  std::vector<FailedRequest> failures() const;

 private:
  void run(int thread);
  bool expect(const std::string& method, const std::string& path, const std::string& body, int want,
              std::string* answer = nullptr);

  const Topology& topology_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> created_;
  std::vector<FailedRequest> failures_;
  std::vector<std::thread> threads_;
};

}  // namespace agent_host::test
