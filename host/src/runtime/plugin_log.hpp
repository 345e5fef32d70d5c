// Where plugins' log lines go (abi.h log): the process log in production,
// a list the test reads in the fake host.
#pragma once

#include <agent_host/abi.h>

#include <string>
#include <string_view>

namespace agent_host::runtime {

class PluginLog {
 public:
  virtual ~PluginLog() = default;
  virtual bool enabled(ah_log_level level) const = 0;
  virtual void write(const std::string& plugin, ah_log_level level, std::string_view message,
                     std::string_view fields_json) = 0;
};

class ProcessLog final : public PluginLog {
 public:
  bool enabled(ah_log_level level) const override;
  void write(const std::string& plugin, ah_log_level level, std::string_view message,
             std::string_view fields_json) override;
};

}  // namespace agent_host::runtime
