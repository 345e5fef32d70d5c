// Write load for the shutdown and crash tests: client threads that create
// tasks as fast as the host answers, until stopped. Every outcome is kept, so
// a test can tell an acknowledged create (201) from a refused connection
// (nobody listening: a request that was never accepted) and from a request
// that was accepted and then lost its answer.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "task_manager_hosts.hpp"

namespace task_manager::integration {

class CreateLoad {
 public:
  using Clock = std::chrono::steady_clock;

  struct Acknowledged {
    std::string id;
    Clock::time_point sent;
  };

  CreateLoad(std::string tasks_url, int clients) : tasks_url_(std::move(tasks_url)) {
    for (int c = 0; c < clients; ++c) threads_.emplace_back([this, c] { run(c); });
  }
  ~CreateLoad() { stop(); }
  CreateLoad(const CreateLoad&) = delete;
  CreateLoad& operator=(const CreateLoad&) = delete;

  // Stops the clients after their current request.
  void stop() {
    stopping_ = true;
    for (auto& thread : threads_)
      if (thread.joinable()) thread.join();
  }

  std::vector<Acknowledged> acknowledged() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return acknowledged_;
  }
  // Requests the host accepted but never answered (reset, empty reply, timeout).
  std::vector<std::string> lost() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return lost_;
  }
  // Answers other than 201.
  std::vector<std::string> unexpected() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return unexpected_;
  }

 private:
  void run(int client) {
    for (int i = 0; !stopping_; ++i) {
      const json body = {{"title", "load " + std::to_string(client) + "-" + std::to_string(i)}};
      const auto sent = Clock::now();
      const Reply reply = agent_host::test::try_http("POST", tasks_url_, body.dump(),
                                                     {{"content-type", "application/json"}});
      std::lock_guard<std::mutex> lock(mutex_);
      if (reply.status == 201)
        acknowledged_.push_back({reply.json().at("id").get<std::string>(), sent});
      else if (reply.status != 0)
        unexpected_.push_back(std::to_string(reply.status) + " " + reply.body);
      // libcurl's words for a connect() that was refused: the listener is
      // closed, so the request never reached the host.
      else if (reply.failure.find("Couldn't connect") == std::string::npos)
        lost_.push_back(reply.failure);
    }
  }

  const std::string tasks_url_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::vector<Acknowledged> acknowledged_;
  std::vector<std::string> lost_;
  std::vector<std::string> unexpected_;
  std::vector<std::thread> threads_;
};

}  // namespace task_manager::integration
