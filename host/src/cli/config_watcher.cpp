#include "cli/config_watcher.hpp"

#include <uv.h>

#include <string>
#include <thread>

#include "config/host_config.hpp"
#include "files/regular_file.hpp"

namespace agent_host::cli {
namespace {

// What the file holds now; empty when it cannot be read as a config (the
// reload that follows a real change reports why).
std::string read_all(const std::filesystem::path& file) {
  try {
    return files::read_regular_file(file, config::kMaxConfigBytes);
  } catch (const files::FileError&) {
    return {};
  }
}

}  // namespace

struct ConfigWatcher::Impl {
  std::filesystem::path file;
  std::function<void()> changed;
  std::string last_content;
  uv_loop_t loop{};
  uv_fs_event_t event{};
  uv_timer_t debounce{};
  uv_async_t stop{};
  std::thread thread;

  // Events come in bursts (several renames per update): act once they settle.
  static void on_event(uv_fs_event_t* handle, const char*, int, int) {
    auto* self = static_cast<Impl*>(handle->data);
    uv_timer_start(&self->debounce, on_settled, 200, 0);
  }
  static void on_settled(uv_timer_t* timer) {
    auto* self = static_cast<Impl*>(timer->data);
    std::string content = read_all(self->file);
    if (content.empty() || content == self->last_content) return;
    self->last_content = std::move(content);
    self->changed();
  }
  static void on_stop(uv_async_t* handle) {
    auto* self = static_cast<Impl*>(handle->data);
    uv_fs_event_stop(&self->event);
    uv_timer_stop(&self->debounce);
    uv_close(reinterpret_cast<uv_handle_t*>(&self->event), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&self->debounce), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&self->stop), nullptr);
  }
};

ConfigWatcher::ConfigWatcher(std::filesystem::path file, std::function<void()> changed)
    : impl_(new Impl) {
  impl_->file = std::filesystem::absolute(file);
  impl_->changed = std::move(changed);
  impl_->last_content = read_all(impl_->file);
  uv_loop_init(&impl_->loop);
  impl_->event.data = impl_->debounce.data = impl_->stop.data = impl_.get();
  uv_fs_event_init(&impl_->loop, &impl_->event);
  uv_timer_init(&impl_->loop, &impl_->debounce);
  uv_async_init(&impl_->loop, &impl_->stop, Impl::on_stop);
  const std::string dir = impl_->file.parent_path().string();
  uv_fs_event_start(&impl_->event, Impl::on_event, dir.c_str(), 0);
  impl_->thread = std::thread([impl = impl_.get()] { uv_run(&impl->loop, UV_RUN_DEFAULT); });
}

ConfigWatcher::~ConfigWatcher() {
  uv_async_send(&impl_->stop);
  impl_->thread.join();
  uv_loop_close(&impl_->loop);
}

}  // namespace agent_host::cli
