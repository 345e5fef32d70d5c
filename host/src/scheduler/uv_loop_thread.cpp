#include "scheduler/uv_loop_thread.hpp"

#include <stdexcept>
#include <string>

namespace agent_host::scheduler {
namespace {

void check(int rc, const char* what) {
  if (rc != 0) throw std::runtime_error(std::string(what) + " failed: " + uv_strerror(rc));
}

}  // namespace

UvLoopThread::UvLoopThread() {
  check(uv_loop_init(&loop_), "uv_loop_init");
}

UvLoopThread::~UvLoopThread() {
  stop();
  uv_loop_close(&loop_);
}

void UvLoopThread::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (started_) throw std::logic_error("the scheduler loop was already started");
  // The loop is not running yet, so initialising the handle here is safe.
  check(uv_async_init(&loop_, &wake_, &UvLoopThread::on_wake), "uv_async_init");
  wake_.data = this;
  started_ = true;
  thread_ = std::thread([this] { uv_run(&loop_, UV_RUN_DEFAULT); });
  // Tasks posted before start() are waiting.
  uv_async_send(&wake_);
}

void UvLoopThread::post(Task task) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) return;
  tasks_.push_back(std::move(task));
  if (started_) uv_async_send(&wake_);
}

void UvLoopThread::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    if (!started_) return;
    uv_async_send(&wake_);
  }
  thread_.join();
}

void UvLoopThread::on_wake(uv_async_t* handle) {
  static_cast<UvLoopThread*>(handle->data)->run_posted_tasks();
}

void UvLoopThread::run_posted_tasks() {
  std::vector<Task> tasks;
  bool stopping = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    tasks.swap(tasks_);
    stopping = stopping_;
  }
  for (Task& task : tasks) task(loop_);
  if (!stopping) return;
  // Closing every handle lets uv_run return once their close callbacks ran.
  uv_walk(
      &loop_,
      [](uv_handle_t* handle, void*) {
        if (!uv_is_closing(handle)) uv_close(handle, nullptr);
      },
      nullptr);
}

}  // namespace agent_host::scheduler
