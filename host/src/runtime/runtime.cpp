#include "runtime/runtime.hpp"

#include <unistd.h>

#include <set>

#include "runtime/host_log.hpp"

namespace agent_host::runtime {
namespace {

std::string hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "unknown";
  return name;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += (out.empty() ? "" : "\n") + line;
  return out;
}

CatalogOptions catalog_options(const config::HostConfig& config, RuntimeOptions& options) {
  return {options.config_file, std::move(options.static_plugins), config.plugin_dirs,
          options.check_secret_mounts};
}

const char* health_word(ah_health_state state) {
  return state == AH_HEALTH_OK ? "ok" : state == AH_HEALTH_DEGRADED ? "degraded" : "failing";
}

// One plugin's entry in /health; `overall` gets worse when the plugin is.
nlohmann::json plugin_health(const PluginSlot& slot, std::string& overall) {
  SinkString detail;
  const ah_health_state state = slot.descriptor().health(slot.instance(), detail.get());
  if (state == AH_HEALTH_FAILING)
    overall = "failing";
  else if (state == AH_HEALTH_DEGRADED && overall == "ok")
    overall = "degraded";
  nlohmann::json entry = {
      {"status", health_word(state)}, {"version", slot.version()}, {"prefix", slot.prefix()}};
  if (!detail.text().empty()) {
    auto parsed = nlohmann::json::parse(detail.text(), nullptr, false);
    entry["detail"] = parsed.is_discarded() ? nlohmann::json(detail.text()) : parsed;
  }
  std::string storage_problem;
  if (!slot.storage_reachable(storage_problem)) {
    entry["status"] = "failing";
    entry["storage"] = {{"reachable", false}, {"error", storage_problem}};
    overall = "failing";
  }
  return entry;
}

}  // namespace

Runtime::Runtime(config::HostConfig config, RuntimeOptions options)
    : config_(std::move(config)),
      config_file_(options.config_file),
      check_secret_mounts_(options.check_secret_mounts),
      version_(options.version),
      host_metrics_(std::make_unique<metrics::HostMetrics>(metrics_.registry(), version_)),
      outside_(with_real_services(std::move(options.outside))),
      catalog_(catalog_options(config_, options), *outside_.secrets),
      jobs_(plugins_, *outside_.clock, *host_metrics_, config_.storage.backend == "postgres"),
      endpoints_(*this, jobs_, api_keys_),
      dispatcher_(plugins_, endpoints_, api_keys_, *host_metrics_),
      outbound_(plugins_, dispatcher_, api_keys_, config_, http_client_, *outside_.network),
      instance_(hostname()) {}

Runtime::~Runtime() {
  stop();
}

OutsideWorld Runtime::with_real_services(OutsideWorld given) {
  if (!given.secrets) given.secrets = std::make_shared<MountedSecrets>(config_.secrets_dir);
  if (!given.llm) given.llm = std::make_shared<OllamaLlm>(config_, *given.secrets, http_client_);
  if (!given.clock)
    given.clock = std::make_shared<SchedulerClock>(config_, [this](const scheduler::JobRun& run) {
      jobs_.finished(run.owner, run.name, run.ok, run.skipped, run.error, run.seconds);
    });
  if (!given.network) given.network = std::make_shared<Internet>(http_client_);
  if (!given.log) given.log = std::make_shared<ProcessLog>();
  return given;
}

std::vector<std::string> Runtime::check_plugins() {
  std::vector<std::string> problems;
  if (check_secret_mounts_) read_api_keys(problems);
  plan_slots(problems);
  return problems;
}

void Runtime::read_api_keys(std::vector<std::string>& problems) {
  if (config_.auth.api_keys_file.empty()) return;
  try {
    api_keys_ = ApiKeys::load(config_.auth.api_keys_file);
  } catch (const std::exception& e) {
    problems.push_back(config_file_ + ": auth.api_keys_file: " + e.what());
  }
}

std::vector<std::shared_ptr<PluginSlot>> Runtime::plan_slots(std::vector<std::string>& problems) {
  std::vector<std::shared_ptr<PluginSlot>> slots;
  std::set<std::string> prefixes;
  for (const auto& section : config_.plugins) {
    if (!section.enabled) continue;
    auto slot = catalog_.make_slot(*this, section, problems);
    if (!slot) continue;
    if (!prefixes.insert(slot->prefix()).second)
      problems.push_back(config_file_ + ": plugins." + section.name + ".prefix: \"" +
                         slot->prefix() +
                         "\" is already used by another plugin; give each plugin its own prefix");
    slots.push_back(std::move(slot));
  }
  if (slots.empty() && problems.empty())
    problems.push_back(config_file_ + ": plugins: no plugin is enabled; enable at least one");
  return slots;
}

std::vector<std::shared_ptr<PluginSlot>> Runtime::slots_to_start() {
  std::vector<std::string> problems;
  read_api_keys(problems);
  auto slots = plan_slots(problems);
  if (!problems.empty()) throw RuntimeError(join_lines(problems));
  return slots;
}

std::shared_ptr<PluginSnapshot> Runtime::snapshot_of(
    std::vector<std::shared_ptr<PluginSlot>> plugins) {
  auto snap = std::make_shared<PluginSnapshot>();
  snap->plugins = std::move(plugins);
  snap->peers = catalog_.peer_bases(config_);
  snap->peer_timeout = std::chrono::milliseconds(config_.peer_timeout_ms);
  return snap;
}

void Runtime::start() {
  std::lock_guard<std::mutex> lock(lifecycle_mutex_);
  auto slots = slots_to_start();
  std::vector<std::shared_ptr<PluginSlot>> started;
  try {
    for (auto& slot : slots) {
      slot->create();
      slot->start();
      started.push_back(slot);
      host_log(AH_LOG_INFO, "plugin started",
               {{"name", slot->name()},
                {"version", slot->version()},
                {"prefix", slot->prefix()},
                {"file", slot->code().origin}});
    }
  } catch (const std::exception& e) {
    for (auto it = started.rbegin(); it != started.rend(); ++it) (*it)->destroy();
    for (auto& slot : slots) slot->destroy();
    throw RuntimeError(e.what());
  }
  auto snap = snapshot_of(std::move(started));
  plugins_.publish(snap);
  host_metrics_->set_plugins_loaded(static_cast<double>(snap->plugins.size()));
  outside_.clock->start();
  started_ = true;
}

void Runtime::stop() {
  std::lock_guard<std::mutex> lock(lifecycle_mutex_);
  if (stopped_.exchange(true)) return;
  draining_ = true;
  outside_.clock->stop();
  auto snap = plugins_.current();
  plugins_.close();
  if (snap) {
    for (auto it = snap->plugins.rbegin(); it != snap->plugins.rend(); ++it) {
      (*it)->stop();
      host_log(AH_LOG_INFO, "plugin stopped", {{"name", (*it)->name()}});
    }
    for (auto it = snap->plugins.rbegin(); it != snap->plugins.rend(); ++it) (*it)->destroy();
  }
  started_ = false;
}

bool Runtime::ready() const {
  if (!started_ || draining_) return false;
  auto snap = plugins_.current();
  if (!snap) return false;
  for (const auto& slot : snap->plugins) {
    SinkString detail;
    if (slot->descriptor().health(slot->instance(), detail.get()) == AH_HEALTH_FAILING)
      return false;
    std::string why;
    if (!slot->storage_reachable(why)) return false;
  }
  return true;
}

nlohmann::json Runtime::health() const {
  nlohmann::json plugins = nlohmann::json::object();
  std::string overall = "ok";
  if (auto snap = plugins_.current())
    for (const auto& slot : snap->plugins) plugins[slot->name()] = plugin_health(*slot, overall);
  if (!started_) overall = "starting";
  if (draining_) overall = "draining";
  return {{"status", overall},
          {"service", config_.service},
          {"version", version_},
          {"instance", instance_},
          {"plugins", plugins}};
}

std::string Runtime::environment_json(const PluginSlot& slot) const {
  return nlohmann::json{{"service", config_.service},
                        {"plugin", slot.name()},
                        {"prefix", slot.prefix()},
                        {"data_dir", config_.storage.data_dir},
                        {"instance", instance_},
                        {"time_zone", config_.scheduler.time_zone},
                        {"scheduler_enabled", config_.scheduler.enabled},
                        {"host_version", version_},
                        {"host_abi_minor", AH_ABI_MINOR}}
      .dump();
}

}  // namespace agent_host::runtime
