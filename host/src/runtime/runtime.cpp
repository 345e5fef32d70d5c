#include "runtime/runtime.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "config/plugin_section.hpp"
#include "config/value_formats.hpp"
#include "files/regular_file.hpp"
#include "logging/logging.hpp"
#include "runtime/plugin_slot.hpp"
#include "runtime/storage.hpp"
#include "runtime/text_boundary.hpp"
#include "scheduler/cron_expression.hpp"

namespace agent_host::runtime {
namespace {

// A mounted secret is a key or a URL; anything larger is a wrong mount.
constexpr std::size_t kMaxSecretBytes = 1 << 20;

void host_log(ah_log_level level, const std::string& message,
              const nlohmann::json& fields = nlohmann::json::object()) {
  if (!logging::Logging::enabled(level)) return;
  logging::Logging::log(level, "host", message, fields.empty() ? std::string() : fields.dump());
}

std::string random_hex(size_t digits) {
  static const char* kHex = "0123456789abcdef";
  std::random_device device;
  std::mt19937_64 generator(device());
  std::string out;
  for (size_t i = 0; i < digits; ++i) out.push_back(kHex[generator() % 16]);
  return out;
}

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

bool path_under_prefix(const std::string& path, const std::string& prefix) {
  if (path.compare(0, prefix.size(), prefix) != 0) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

// A request id from the caller is kept when it is short and printable.
bool usable_request_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

}  // namespace

Runtime::Runtime(config::HostConfig config, RuntimeOptions options)
    : config_(std::move(config)),
      options_(std::move(options)),
      host_metrics_(std::make_unique<metrics::HostMetrics>(metrics_.registry(), options_.version)),
      instance_(hostname()),
      request_id_prefix_(random_hex(8)) {
  http_client_ = std::make_unique<http::Client>();
  configure_llm();
  scheduler::SchedulerOptions scheduler_options;
  scheduler_options.cron_enabled = config_.scheduler.enabled && !options_.outside.manual_jobs;
  scheduler_options.default_zone = config_.scheduler.time_zone;
  scheduler_options.job_threads =
      static_cast<std::size_t>(std::max(1, config_.scheduler.job_threads));
  scheduler_options.on_run = [this](const scheduler::JobRun& run) {
    job_finished(run.owner, run.name, run.ok, run.skipped, run.error, run.seconds);
  };
  scheduler_ = std::make_unique<scheduler::Scheduler>(std::move(scheduler_options));
}

Runtime::~Runtime() {
  stop();
}

void Runtime::configure_llm() {
  llm::OllamaClient::Options options;
  options.url = config_.llm.url;
  options.model = config_.llm.model;
  options.num_ctx = config_.llm.num_ctx;
  options.timeout = std::chrono::milliseconds(config_.llm.timeout_ms);
  // Values from the mounted llm-config secret fill what the config leaves empty.
  std::string value, ignored;
  if (options.url.empty() && read_secret(config_.llm.secret + "/url", value, ignored) == AH_OK)
    options.url = value;
  if (options.model.empty() && read_secret(config_.llm.secret + "/model", value, ignored) == AH_OK)
    options.model = value;
  if (options.model.empty()) options.model = "llama3.2";
  llm_ = std::make_unique<llm::OllamaClient>(options, *http_client_);
}

std::shared_ptr<const Runtime::Snapshot> Runtime::snapshot() const {
  std::lock_guard<std::mutex> lock(snapshot_mutex_);
  return snapshot_;
}

void Runtime::publish(std::shared_ptr<const Snapshot> next) {
  {
    std::lock_guard<std::mutex> lock(snapshot_mutex_);
    snapshot_ = std::move(next);
  }
  published_.notify_all();
}

std::shared_ptr<const Runtime::Snapshot> Runtime::served_snapshot(
    std::chrono::milliseconds patience) const {
  std::unique_lock<std::mutex> lock(snapshot_mutex_);
  published_.wait_for(lock, patience, [&] { return snapshot_ || stopped_; });
  return snapshot_;
}

const loader::PluginCode* Runtime::find_code(const std::string& name, std::string& why) {
  for (const auto& code : options_.static_plugins)
    if (code.name() == name) return &code;
  if (!scan_) {
    std::vector<std::filesystem::path> dirs(config_.plugin_dirs.begin(), config_.plugin_dirs.end());
    if (dirs.empty()) dirs = loader::default_plugin_directories();
    scan_ = loader::scan_plugin_directories(dirs);
    for (const auto& refused : scan_->refused)
      host_log(AH_LOG_WARN, "plugin file refused", {{"reason", refused}});
  }
  for (const auto& code : scan_->plugins)
    if (code.name() == name) return &code;
  std::string known;
  for (const auto& code : scan_->plugins) known += (known.empty() ? "" : ", ") + code.name();
  why = "no plugin named \"" + name +
        "\" in the plugin directories (found: " + (known.empty() ? "none" : known) +
        "); check plugin_dirs or the plugin name";
  for (const auto& refused : scan_->refused)
    if (refused.find("\"" + name + "\"") != std::string::npos ||
        refused.find(name) != std::string::npos)
      why += "; refused: " + refused;
  return nullptr;
}

// The formats plugin schemas may name (config/value_formats.hpp). A value of
// format "secret" names a mounted secret ("<secret>/<key>") the plugin needs
// to start, so a missing one is refused before any plugin starts, in the words
// of read_secret (path and fix), by check-config --connect and start alike.
config::FormatChecks Runtime::value_checks() {
  config::FormatChecks checks = {
      {"cron", [](const std::string& value) { return scheduler::cron_problem(value); }},
      {"time-zone", [](const std::string& value) { return scheduler::time_zone_problem(value); }},
      {"uri", config::uri_problem}};
  if (options_.check_secret_mounts)
    checks["secret"] = [this](const std::string& name) { return secret_problem(name); };
  return checks;
}

std::optional<std::string> Runtime::secret_problem(const std::string& name) {
  std::string value, error;
  if (read_secret(name, value, error) != AH_OK) return error;
  if (value.empty()) return "secret \"" + name + "\" is empty; put the value into the Secret's key";
  return std::nullopt;
}

std::shared_ptr<PluginSlot> Runtime::make_slot(const config::PluginSection& section,
                                               std::vector<std::string>& problems) {
  std::string why;
  const loader::PluginCode* code = find_code(section.name, why);
  const std::string where = options_.config_file + ": plugins." + section.name;
  if (!code) {
    problems.push_back(where + ": " + why);
    return nullptr;
  }
  const auto schema_text = code->descriptor->config_schema_json;
  nlohmann::json schema =
      schema_text ? nlohmann::json::parse(schema_text, nullptr, false) : nlohmann::json();
  nlohmann::json section_config =
      section.config.is_null() ? nlohmann::json::object() : section.config;
  auto section_problems = config::validate_plugin_section(schema, section_config, section.name);
  if (section_problems.empty())
    section_problems = config::check_formats(schema, section_config,
                                             "plugins." + section.name + ".config", value_checks());
  for (const auto& problem : section_problems)
    problems.push_back(config::format_problem(problem, options_.config_file));
  if (!section_problems.empty()) return nullptr;
  std::string prefix = section.prefix.empty() ? code->descriptor->default_prefix : section.prefix;
  if (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
  return std::make_shared<PluginSlot>(*this, *code, prefix, section_config);
}

std::map<std::string, std::string> Runtime::peer_bases(const config::HostConfig& config) {
  std::map<std::string, std::string> bases;
  for (const auto& [agent, url] : config.peers) {
    std::string base = url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    const auto scheme = base.find("://");
    const bool has_path =
        scheme != std::string::npos && base.find('/', scheme + 3) != std::string::npos;
    if (!has_path) {
      std::string ignored;
      const loader::PluginCode* code = find_code(agent, ignored);
      base += code ? std::string(code->descriptor->default_prefix) : "/" + agent;
    }
    bases[agent] = base;
  }
  return bases;
}

std::vector<std::string> Runtime::check_plugins() {
  std::vector<std::string> problems;
  for (const auto& section : config_.plugins)
    if (section.enabled) make_slot(section, problems);
  return problems;
}

void Runtime::start() {
  std::lock_guard<std::mutex> lock(lifecycle_mutex_);
  if (!config_.auth.api_keys_file.empty()) {
    try {
      api_keys_ = ApiKeys::load(config_.auth.api_keys_file);
    } catch (const std::exception& e) {
      throw RuntimeError(options_.config_file + ": auth.api_keys_file: " + e.what());
    }
  }
  std::vector<std::string> problems;
  std::vector<std::shared_ptr<PluginSlot>> slots;
  std::set<std::string> prefixes;
  for (const auto& section : config_.plugins) {
    if (!section.enabled) continue;
    auto slot = make_slot(section, problems);
    if (!slot) continue;
    if (!prefixes.insert(slot->prefix()).second)
      problems.push_back(options_.config_file + ": plugins." + section.name + ".prefix: \"" +
                         slot->prefix() +
                         "\" is already used by another plugin; give each plugin its own prefix");
    slots.push_back(std::move(slot));
  }
  if (slots.empty() && problems.empty())
    problems.push_back(options_.config_file +
                       ": plugins: no plugin is enabled; enable at least one");
  if (!problems.empty()) throw RuntimeError(join_lines(problems));

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
  auto snap = std::make_shared<Snapshot>();
  snap->plugins = std::move(started);
  snap->peers = peer_bases(config_);
  snap->peer_timeout = std::chrono::milliseconds(config_.peer_timeout_ms);
  publish(snap);
  host_metrics_->set_plugins_loaded(static_cast<double>(snap->plugins.size()));
  scheduler_->start();
  started_ = true;
}

void Runtime::stop() {
  std::lock_guard<std::mutex> lock(lifecycle_mutex_);
  if (stopped_.exchange(true)) return;
  draining_ = true;
  if (scheduler_) scheduler_->stop();
  auto snap = snapshot();
  publish(nullptr);
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
  auto snap = snapshot();
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
  auto snap = snapshot();
  if (snap) {
    for (const auto& slot : snap->plugins) {
      SinkString detail;
      const ah_health_state state = slot->descriptor().health(slot->instance(), detail.get());
      const char* text = state == AH_HEALTH_OK         ? "ok"
                         : state == AH_HEALTH_DEGRADED ? "degraded"
                                                       : "failing";
      if (state == AH_HEALTH_FAILING)
        overall = "failing";
      else if (state == AH_HEALTH_DEGRADED && overall == "ok")
        overall = "degraded";
      nlohmann::json entry = {
          {"status", text}, {"version", slot->version()}, {"prefix", slot->prefix()}};
      if (!detail.text().empty()) {
        auto parsed = nlohmann::json::parse(detail.text(), nullptr, false);
        entry["detail"] = parsed.is_discarded() ? nlohmann::json(detail.text()) : parsed;
      }
      std::string storage_problem;
      if (!slot->storage_reachable(storage_problem)) {
        entry["status"] = "failing";
        entry["storage"] = {{"reachable", false}, {"error", storage_problem}};
        overall = "failing";
      }
      plugins[slot->name()] = entry;
    }
  }
  if (!started_) overall = "starting";
  if (draining_) overall = "draining";
  return {{"status", overall},
          {"service", config_.service},
          {"version", options_.version},
          {"instance", instance_},
          {"plugins", plugins}};
}

void Runtime::dispatch(HttpRequest& request, Completion done) {
  const auto began = std::chrono::steady_clock::now();
  in_flight_.fetch_add(1, std::memory_order_relaxed);
  requests_started_.fetch_add(1, std::memory_order_relaxed);
  assign_request_id(request);
  auto snap = snapshot();
  HttpResponse response;
  bool handled = false;
  try {
    static const Snapshot kEmpty;
    response = host_endpoint(snap ? *snap : kEmpty, request, handled);
    if (!handled && snap) {
      std::optional<HttpResponse> now = dispatch_plugin(*snap, request, done, began);
      if (!now) return;  // deferred: its DeferredResponse completes `done`
      response = std::move(*now);
    } else if (!handled) {
      response =
          json_error(503, "unavailable", "the host is not serving plugins (starting or stopping)",
                     request.request_id);
    }
  } catch (const std::exception& e) {
    response = json_error(500, "internal",
                          "the host failed to answer; see the log line with this request_id",
                          request.request_id);
    host_log(AH_LOG_ERROR, "request failed in the host",
             {{"request_id", request.request_id}, {"error", e.what()}, {"path", request.path}});
  }
  if (!response.series && response.route.empty())
    response.route = handled ? request.path : "unmatched";
  conclude(response, began, request.request_id, request.method, request.in_process);
  done(std::move(response));
}

void Runtime::assign_request_id(HttpRequest& request) {
  if (usable_request_id(request.request_id)) return;
  const std::string* incoming = request.header("x-request-id");
  if (incoming && usable_request_id(*incoming)) {
    request.request_id = *incoming;
    return;
  }
  char counter[17];
  const auto end =
      std::to_chars(counter, counter + sizeof counter, request_counter_.fetch_add(1) + 1, 16).ptr;
  request.request_id.reserve(request_id_prefix_.size() + 1 + (end - counter));
  request.request_id.assign(request_id_prefix_).append(1, '-').append(counter, end);
}

HttpResponse Runtime::dispatch(HttpRequest& request) {
  // Shared with the completion, which may come from another thread after
  // this caller has been woken.
  struct Wait {
    std::mutex mutex;
    std::condition_variable answered;
    std::optional<HttpResponse> response;
  };
  auto wait = std::make_shared<Wait>();
  dispatch(request, [wait](HttpResponse response) {
    std::lock_guard<std::mutex> lock(wait->mutex);
    wait->response = std::move(response);
    wait->answered.notify_one();
  });
  std::unique_lock<std::mutex> lock(wait->mutex);
  wait->answered.wait(lock, [&] { return wait->response.has_value(); });
  return std::move(*wait->response);
}

void Runtime::conclude(HttpResponse& response, std::chrono::steady_clock::time_point began,
                       const std::string& request_id, const std::string& method, bool in_process) {
  response.headers.emplace_back("x-request-id", request_id);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  if (!in_process) {
    if (response.series)
      response.series->record(response.status, seconds);
    else
      host_metrics_->route(response.plugin, response.route, method)
          .record(response.status, seconds);
  }
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
}

void Runtime::conclude(HttpResponse& response, const RequestFacts& facts) {
  conclude(response, facts.began, facts.request_id, facts.method, facts.in_process);
}

HttpResponse Runtime::handler_failed(PluginSlot& slot, const RequestFacts& facts,
                                     const std::string& error, metrics::RouteSeries* series) {
  host_metrics_->plugin_failure(slot.name());
  host_log(AH_LOG_ERROR, "plugin handler failed",
           {{"plugin", slot.name()},
            {"route", facts.route},
            {"method", facts.method},
            {"request_id", facts.request_id},
            {"error", error}});
  HttpResponse response = json_error(
      500, "internal",
      "the " + slot.name() + " plugin failed to answer; see the log line with this request_id",
      facts.request_id);
  response.plugin = slot.name();
  response.route = facts.route;
  response.series = series;
  return response;
}

namespace {

// The plugin whose prefix is the longest one `path` lies under, or null.
PluginSlot* plugin_for(const std::vector<std::shared_ptr<PluginSlot>>& plugins,
                       const std::string& path) {
  PluginSlot* slot = nullptr;
  for (const auto& candidate : plugins)
    if (path_under_prefix(path, candidate->prefix()) &&
        (!slot || candidate->prefix().size() > slot->prefix().size()))
      slot = candidate.get();
  return slot;
}

std::string_view path_below_prefix(const std::string& path, const PluginSlot& slot) {
  if (path.size() == slot.prefix().size()) return "/";
  return std::string_view(path).substr(slot.prefix().size());
}

// The route for `method` whose pattern matches `relative` with the most
// literal segments (HEAD is served by GET routes), its captures in `params`.
// Candidates are tried against a per-thread scratch list, so only the winner's
// captures are copied into `params` (the request path allocates once, not per
// candidate). Nothing here calls out, so the scratch list is never shared.
const Route* match_route(const PluginSlot& slot, const std::string& method,
                         std::string_view relative, router::Params& params) {
  thread_local router::Params scratch;
  const Route* best = nullptr;
  for (const auto& route : slot.routes()) {
    if (route.method != method && !(method == "HEAD" && route.method == "GET")) continue;
    if (best && route.pattern.literal_count() <= best->pattern.literal_count()) continue;
    scratch.clear();
    if (route.pattern.match(relative, scratch)) best = &route;
  }
  if (best) {
    params.clear();
    best->pattern.match(relative, params);
  }
  return best;
}

// Name/value views handed to a plugin: on the stack for the usual handful,
// on the heap only for long lists.
class PairList {
 public:
  template <typename Pairs>
  explicit PairList(const Pairs& pairs) {
    if (pairs.size() > kInline) heap_.reserve(pairs.size());
    for (const auto& [name, value] : pairs) {
      const ah_pair pair{{name.data(), name.size()}, {value.data(), value.size()}};
      if (heap_.capacity() > 0)
        heap_.push_back(pair);
      else
        inline_[size_++] = pair;
    }
  }
  PairList(const PairList&) = delete;  // data() may point into this object
  PairList& operator=(const PairList&) = delete;

  const ah_pair* data() const { return heap_.empty() ? inline_ : heap_.data(); }
  size_t size() const { return heap_.empty() ? size_ : heap_.size(); }

 private:
  static constexpr size_t kInline = 16;
  ah_pair inline_[kInline]{};
  size_t size_ = 0;
  std::vector<ah_pair> heap_;
};

}  // namespace

bool Runtime::answers_inline(const HttpRequest& request) const {
  if (request.path.rfind(kJobsPrefix, 0) == 0) return false;  // runs a plugin's job
  auto snap = snapshot();
  if (!snap) return true;  // 503 at once
  const PluginSlot* slot = plugin_for(snap->plugins, request.path);
  if (!slot) return true;              // host endpoint or 404
  thread_local router::Params params;  // only which route matters here
  const Route* route =
      match_route(*slot, request.method, path_below_prefix(request.path, *slot), params);
  return !route || route->non_blocking;  // 404 and 405 are answered at once
}

std::optional<HttpResponse> Runtime::dispatch_plugin(const Snapshot& snap, HttpRequest& request,
                                                     Completion& done,
                                                     std::chrono::steady_clock::time_point began) {
  PluginSlot* slot = plugin_for(snap.plugins, request.path);
  if (!slot)
    return json_error(404, "not_found", "no route for " + request.path, request.request_id);
  HttpResponse response;
  response.plugin = slot->name();
  const std::string_view relative = path_below_prefix(request.path, *slot);
  router::Params params;
  // Matched before the key check: a route flagged AH_ROUTE_NO_API_KEY (a web
  // page a browser loads before its user can enter a key) needs none. Misses
  // still ask for a key, so a 404/405 tells nothing to a caller without one.
  const Route* best = match_route(*slot, request.method, relative, params);
  if (!request.in_process && api_keys_.enabled() && !(best && best->without_api_key)) {
    const std::string* authorization = request.header("authorization");
    if (!authorization || !api_keys_.accepts(*authorization)) {
      response =
          json_error(401, "unauthorized", "send a valid API key as 'Authorization: Bearer <key>'",
                     request.request_id);
      response.plugin = slot->name();
      response.headers.emplace_back("www-authenticate", "Bearer");
      return response;
    }
  }
  if (!best) {
    // Only on a miss: which methods the path has, for 404 versus 405 + Allow.
    std::set<std::string> allowed;
    for (const auto& route : slot->routes()) {
      params.clear();
      if (route.pattern.match(relative, params)) allowed.insert(route.method);
    }
    if (allowed.empty()) {
      response = json_error(404, "not_found", "no route for " + request.method + " " + request.path,
                            request.request_id);
      response.plugin = slot->name();
      return response;
    }
    std::string allow;
    for (const auto& method : allowed) allow += (allow.empty() ? "" : ", ") + method;
    response =
        json_error(405, "method_not_allowed",
                   request.method + " is not allowed on " + request.path + "; allowed: " + allow,
                   request.request_id);
    response.plugin = slot->name();
    response.headers.emplace_back("allow", allow);
    return response;
  }
  // The series carries the route label; the text is spelled out only for a
  // failure's log line.
  response.series = best->series;

  const router::Params query = router::parse_query(request.query);
  if (auto refused = refuse_invalid_text(request, params, query)) {
    response = std::move(*refused);
    response.plugin = slot->name();
    response.series = best->series;
    return response;
  }
  const PairList headers(request.headers), path_params(params);
  const PairList query_params(query);
  const std::string& route_text = best->pattern.text();

  ah_request raw{};
  raw.struct_size = sizeof(ah_request);
  raw.method = {request.method.data(), request.method.size()};
  raw.path = {request.path.data(), request.path.size()};
  raw.route = {route_text.data(), route_text.size()};
  raw.query = {request.query.data(), request.query.size()};
  raw.headers = headers.data();
  raw.header_count = headers.size();
  raw.path_params = path_params.data();
  raw.path_param_count = path_params.size();
  raw.query_params = query_params.data();
  raw.query_param_count = query_params.size();
  raw.body = {request.body.data(), request.body.size()};
  raw.request_id = {request.request_id.data(), request.request_id.size()};
  raw.in_process = request.in_process ? 1 : 0;

  HandlerCall call{this, slot, &done, &request, &route_text, began};
  ah_response out{&response, &call, nullptr};
  SinkString error;
  ah_status status = AH_ERR_INTERNAL;
  try {
    status = best->handler(best->user, &raw, &out, error.get());
  } catch (...) {
    error.text() = "an exception escaped the plugin's handler (the SDK should have caught it)";
  }
  if (call.deferred) return std::nullopt;  // the plugin finishes it (DeferredResponse)
  if (status != AH_OK)
    response = handler_failed(*slot, call.facts(), error.text(), response.series);
  return response;
}

std::vector<std::string> Runtime::job_names(const std::string& plugin) const {
  std::vector<std::string> names;
  auto snap = snapshot();
  if (!snap) return names;
  for (const auto& slot : snap->plugins)
    if (slot->name() == plugin)
      for (const auto& job : slot->jobs()) names.push_back(job.name);
  return names;
}

std::vector<Runtime::RecurringJob> Runtime::recurring_jobs() const {
  std::vector<RecurringJob> jobs;
  auto snap = snapshot();
  if (!snap) return jobs;
  for (const auto& slot : snap->plugins)
    for (const auto& job : slot->jobs())
      if (!job.cron.empty()) jobs.push_back({slot->name(), job.name, job.cron, job.zone});
  return jobs;
}

bool Runtime::run_job(const std::string& plugin, const std::string& job_name,
                      std::chrono::system_clock::time_point fire_time, std::string& error) {
  auto snap = snapshot();
  std::shared_ptr<PluginSlot> slot;
  if (snap)
    for (const auto& candidate : snap->plugins)
      if (candidate->name() == plugin) slot = candidate;
  Job job;
  if (!slot || !slot->find_job(job_name, job)) {
    error = "no job \"" + job_name + "\" in plugin \"" + plugin + "\"";
    return false;
  }
  const auto began = std::chrono::steady_clock::now();
  SinkString job_error;
  const auto fire_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(fire_time.time_since_epoch()).count();
  const ah_status status = job.fn(job.user, fire_ms, job_error.get());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  job_finished(plugin, job_name, status == AH_OK, false, job_error.text(), seconds);
  if (status != AH_OK) error = job_error.text().empty() ? "job failed" : job_error.text();
  return status == AH_OK;
}

void Runtime::job_finished(const std::string& plugin, const std::string& job, bool ok, bool skipped,
                           const std::string& error, double seconds) {
  const std::string outcome = skipped ? "skipped" : ok ? "ok" : "failed";
  host_metrics_->job_run(plugin, job, outcome, seconds);
  nlohmann::json fields = {{"plugin", plugin}, {"job", job}, {"seconds", seconds}};
  // A run that went well has nothing to say: no empty "error" for log queries to trip on.
  if (!error.empty()) fields["error"] = error;
  host_log(ok ? AH_LOG_INFO : AH_LOG_WARN, "job " + outcome, fields);
}

ah_status Runtime::schedule(PluginSlot& slot, Job job, std::chrono::milliseconds once_delay,
                            std::string& error) {
  const bool recurring = !job.cron.empty();
  if (recurring) {
    try {
      scheduler::CronExpression::parse(job.cron);
      if (!job.zone.empty()) scheduler::find_zone(job.zone);
    } catch (const std::exception& e) {
      error = "job \"" + job.name + "\": " + e.what();
      return AH_ERR_INVALID_ARGUMENT;
    }
  }
  const ah_status status = slot.add_job(job, error);
  if (status != AH_OK || options_.outside.manual_jobs) return status;
  const std::string owner = slot.name();
  ah_job_fn fn = job.fn;
  void* user = job.user;
  const bool shared_storage = recurring && config_.storage.backend == "postgres";
  scheduler::JobFn run = [fn, user, shared_storage, slot = &slot, name = job.name](
                             std::int64_t fire_ms, std::string& message) {
    // Replicas sharing a database each fire the job; only one runs it.
    if (shared_storage && !claim_cron_fire(slot->database(), name, fire_ms, message))
      return message.empty() ? AH_OK : AH_ERR_UNAVAILABLE;
    SinkString job_error;
    const ah_status result = fn(user, fire_ms, job_error.get());
    message = std::move(job_error.text());
    return result;
  };
  try {
    if (recurring)
      scheduler_->add_cron(owner, job.name, job.cron, job.zone, std::move(run));
    else
      scheduler_->add_once(owner, job.name, once_delay, std::move(run));
  } catch (const std::exception& e) {
    error = "job \"" + job.name + "\": " + e.what();
    return AH_ERR_INVALID_ARGUMENT;
  }
  return AH_OK;
}

std::string Runtime::environment_json(const PluginSlot& slot) const {
  return nlohmann::json{{"service", config_.service},
                        {"plugin", slot.name()},
                        {"prefix", slot.prefix()},
                        {"data_dir", config_.storage.data_dir},
                        {"instance", instance_},
                        {"time_zone", config_.scheduler.time_zone},
                        {"scheduler_enabled", config_.scheduler.enabled},
                        {"host_version", options_.version},
                        {"host_abi_minor", AH_ABI_MINOR}}
      .dump();
}

ah_status Runtime::read_secret(const std::string& name, std::string& value, std::string& error) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) {
    error = "secret name \"" + name + "\" must be \"<secret>/<key>\" below the secrets directory";
    return AH_ERR_INVALID_ARGUMENT;
  }
  if (!options_.outside.secrets.empty() || options_.outside.manual_jobs) {
    auto it = options_.outside.secrets.find(name);
    if (it == options_.outside.secrets.end()) {
      error = "secret \"" + name + "\" is not set";
      return AH_ERR_NOT_FOUND;
    }
    value = it->second;
  } else {
    const std::filesystem::path file = std::filesystem::path(config_.secrets_dir) / name;
    std::error_code missing;
    if (!std::filesystem::exists(file, missing)) {
      error = "secret \"" + name + "\" not found at " + file.string() +
              "; mount the secret there or change secrets_dir";
      return AH_ERR_NOT_FOUND;
    }
    try {
      value = files::read_regular_file(file, kMaxSecretBytes);
    } catch (const files::FileError& e) {
      error = std::string("secret \"") + name + "\": " + e.what();
      return AH_ERR_INVALID_ARGUMENT;
    }
  }
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  logging::Logging::add_secret(value);
  return AH_OK;
}

ah_status Runtime::llm_generate(const std::string& request_json, std::string& response_json,
                                std::string& error) {
  const auto request = nlohmann::json::parse(request_json, nullptr, false);
  if (!request.is_object() || !request.contains("prompt") || !request["prompt"].is_string()) {
    error = "llm_generate needs a JSON object with a string \"prompt\"";
    return AH_ERR_INVALID_ARGUMENT;
  }
  if (options_.outside.llm) {
    nlohmann::json answer;
    const ah_status status = options_.outside.llm(request, answer, error);
    if (status == AH_OK) response_json = answer.dump();
    return status;
  }
  auto result = llm_->generate(request);
  if (auto* failure = std::get_if<llm::Failure>(&result)) {
    error = failure->message;
    return failure->status;
  }
  response_json = std::get<nlohmann::json>(result).dump();
  return AH_OK;
}

}  // namespace agent_host::runtime
