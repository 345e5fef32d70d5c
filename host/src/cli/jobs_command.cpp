#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "config/host_config.hpp"
#include "logging/logging.hpp"
#include "runtime/runtime.hpp"

namespace agent_host::cli {
namespace {

// A throwaway data folder, removed on every way out.
class ScratchFolder {
 public:
  ScratchFolder() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "agent-host-jobs-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary folder");
    path_ = pattern;
  }
  ~ScratchFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class RefusedLlm final : public runtime::LlmService {
  ah_status answer(const nlohmann::json&, nlohmann::json&, std::string&) override {
    return AH_ERR_UNAVAILABLE;
  }
};

class RefusedNetwork final : public runtime::OutsideNetwork {
 public:
  ah_status call_agent(const runtime::HttpRequest&, const std::string&, runtime::HttpResponse&,
                       std::string&) override {
    return AH_ERR_UNAVAILABLE;
  }
  ah_status send(http::Request, runtime::HttpResponse&, std::string&) override {
    return AH_ERR_UNAVAILABLE;
  }
};

class SilentLog final : public runtime::PluginLog {
 public:
  bool enabled(ah_log_level) const override { return false; }
  void write(const std::string&, ah_log_level, std::string_view, std::string_view) override {}
};

// The plugins run cut off from everything a real start would touch: no
// timers, secrets, peers, outbound HTTP or LLM, and their storage in `data`.
runtime::RuntimeOptions isolated_options(const std::string& config_file) {
  runtime::RuntimeOptions options;
  options.config_file = config_file;
  options.version = version();
  auto& outside = options.outside;
  outside.secrets = std::make_shared<runtime::SecretMap>();
  outside.llm = std::make_shared<RefusedLlm>();
  outside.clock = std::make_shared<runtime::ManualClock>();
  outside.network = std::make_shared<RefusedNetwork>();
  outside.log = std::make_shared<SilentLog>();
  return options;
}

void print(const std::vector<runtime::Runtime::RecurringJob>& jobs, bool as_json) {
  if (!as_json) {
    for (const auto& job : jobs)
      std::cout << job.plugin << "/" << job.name << " " << job.cron << " " << job.zone << "\n";
    return;
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& job : jobs)
    out.push_back({{"plugin", job.plugin},
                   {"job", job.name},
                   {"schedule", job.cron},
                   {"time_zone", job.zone}});
  std::cout << out.dump(2) << "\n";
}

}  // namespace

int list_jobs(const std::string& config_file, bool as_json) {
  try {
    config::HostConfig config = config::load_host_config(config_file);
    ScratchFolder data;
    config.storage.data_dir = data.path().string();
    config.auth.api_keys_file.clear();
    logging::LogOptions quiet;
    quiet.level = "error";
    logging::Logging::configure(quiet);
    runtime::Runtime runtime(config, isolated_options(config_file));
    runtime.start();
    const auto jobs = runtime.recurring_jobs();
    runtime.stop();
    print(jobs, as_json);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "jobs: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace agent_host::cli
