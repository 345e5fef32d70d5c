#include "runtime/plugin_set.hpp"

namespace agent_host::runtime {

std::shared_ptr<PluginSlot> PluginSnapshot::find(const std::string& name) const {
  std::shared_ptr<PluginSlot> found;
  for (const auto& slot : plugins)
    if (slot->name() == name) found = slot;
  return found;
}

std::shared_ptr<const PluginSnapshot> PluginSet::current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return snapshot_;
}

std::shared_ptr<const PluginSnapshot> PluginSet::served(std::chrono::milliseconds patience) const {
  std::unique_lock<std::mutex> lock(mutex_);
  published_.wait_for(lock, patience, [&] { return snapshot_ || closed_; });
  return snapshot_;
}

void PluginSet::publish(std::shared_ptr<const PluginSnapshot> next) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    snapshot_ = std::move(next);
  }
  published_.notify_all();
}

void PluginSet::close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    snapshot_ = nullptr;
  }
  published_.notify_all();
}

}  // namespace agent_host::runtime
