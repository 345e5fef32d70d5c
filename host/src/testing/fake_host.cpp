// FakeHost: the host runtime in-process, with the outside world replaced by
// what the test sets up.
#include <agent_host/testing.hpp>
#include <mutex>
#include <random>
#include <stdexcept>

#include "config/host_config.hpp"
#include "loader/plugin_library.hpp"
#include "runtime/outside_world.hpp"
#include "runtime/runtime.hpp"
#include "testing/scratch_postgres.hpp"

namespace agent_host::testing {
namespace {

std::filesystem::path make_temp_dir() {
  std::random_device device;
  const auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto dir = base / ("agent-host-fake-" + std::to_string(device()));
    if (std::filesystem::create_directory(dir)) return dir;
  }
  throw std::runtime_error("FakeHost: cannot create a temporary directory in " + base.string());
}

FakeResponse to_fake(const runtime::HttpResponse& response) {
  FakeResponse out{response.status, response.headers, response.body};
  if (!response.content_type.empty())
    out.headers.emplace_back("content-type", response.content_type);
  return out;
}

runtime::HttpResponse from_stub(const StubResult& result) {
  runtime::HttpResponse response;
  response.status = result.response.status;
  response.body = result.response.body;
  response.content_type.clear();
  for (const auto& [name, value] : result.response.headers) {
    if (name == "content-type")
      response.content_type = value;
    else
      response.headers.emplace_back(name, value);
  }
  return response;
}

}  // namespace

struct FakeHost::Impl {
  Options options;
  bool owns_dir = false;
  std::unique_ptr<ScratchPostgres> postgres;  // with AH_TEST_POSTGRES_URL
  nlohmann::json plugins = nlohmann::json::object();
  std::vector<loader::PluginCode> codes;
  std::unique_ptr<runtime::Runtime> runtime;

  mutable std::mutex mutex;
  std::map<std::string, std::function<StubResult(const OutboundCall&)>> agent_stubs;
  std::vector<std::pair<std::string, std::function<StubResult(const OutboundCall&)>>> http_stubs;
  std::function<nlohmann::json(const nlohmann::json&)> llm_stub;
  std::vector<OutboundCall> calls;
  std::vector<LogLine> log_lines;
  std::map<std::string, std::string> secrets;

  void add(loader::PluginCode code, nlohmann::json config, std::string prefix) {
    if (runtime) throw std::logic_error("FakeHost: add plugins before start()");
    nlohmann::json section = {{"enabled", true}, {"config", std::move(config)}};
    if (!prefix.empty()) section["prefix"] = std::move(prefix);
    plugins[code.name()] = std::move(section);
    codes.push_back(std::move(code));
  }

  ah_status stubbed(std::function<StubResult(const OutboundCall&)> stub, const OutboundCall& call,
                    runtime::HttpResponse& response) {
    StubResult result = stub(call);
    if (result.failure != Status::ok) return static_cast<ah_status>(result.failure);
    response = from_stub(result);
    return AH_OK;
  }

  ah_status call_agent(const runtime::HttpRequest& request, const std::string& agent,
                       runtime::HttpResponse& response) {
    OutboundCall call{
        agent,           {},
        request.method,  request.path + (request.query.empty() ? "" : "?" + request.query),
        request.headers, request.body};
    std::function<StubResult(const OutboundCall&)> stub;
    {
      std::lock_guard<std::mutex> lock(mutex);
      calls.push_back(call);
      auto it = agent_stubs.find(agent);
      if (it != agent_stubs.end()) stub = it->second;
    }
    if (!stub) return AH_ERR_NOT_FOUND;
    return stubbed(stub, call, response);
  }

  ah_status send(const http::Request& request, runtime::HttpResponse& response) {
    OutboundCall call{{}, request.url, request.method, {}, request.headers, request.body};
    std::function<StubResult(const OutboundCall&)> stub;
    {
      std::lock_guard<std::mutex> lock(mutex);
      calls.push_back(call);
      for (const auto& [prefix, candidate] : http_stubs)
        if (request.url.rfind(prefix, 0) == 0) stub = candidate;
    }
    if (!stub) return AH_ERR_UNAVAILABLE;
    return stubbed(stub, call, response);
  }

  ah_status generate(const nlohmann::json& request, nlohmann::json& response, std::string& error) {
    std::function<nlohmann::json(const nlohmann::json&)> stub;
    {
      std::lock_guard<std::mutex> lock(mutex);
      stub = llm_stub;
    }
    if (!stub) {
      error = "LLM not configured: set llm.url in the config or the llm-config secret's url file";
      return AH_ERR_UNSUPPORTED;
    }
    try {
      response = stub(request);
      return AH_OK;
    } catch (const std::exception& e) {
      error = e.what();
      return AH_ERR_UNAVAILABLE;
    }
  }

  void log(const std::string& plugin, ah_log_level level, std::string_view message,
           std::string_view fields) {
    nlohmann::json parsed =
        fields.empty() ? nlohmann::json::object() : nlohmann::json::parse(fields, nullptr, false);
    std::lock_guard<std::mutex> lock(mutex);
    log_lines.push_back(
        LogLine{plugin, static_cast<LogLevel>(level), std::string(message), parsed});
  }

  runtime::OutsideWorld outside();

  // The outside world as the test set it up: stubs, and lists the test reads.
  class StubNetwork final : public runtime::OutsideNetwork {
   public:
    explicit StubNetwork(Impl& host) : host_(host) {}
    ah_status call_agent(const runtime::HttpRequest& request, const std::string& agent,
                         runtime::HttpResponse& response, std::string&) override {
      return host_.call_agent(request, agent, response);
    }
    ah_status send(http::Request request, runtime::HttpResponse& response, std::string&) override {
      return host_.send(request, response);
    }

   private:
    Impl& host_;
  };

  class StubLlm final : public runtime::LlmService {
   public:
    explicit StubLlm(Impl& host) : host_(host) {}

   private:
    ah_status answer(const nlohmann::json& request, nlohmann::json& response,
                     std::string& error) override {
      return host_.generate(request, response, error);
    }
    Impl& host_;
  };

  class CapturedLog final : public runtime::PluginLog {
   public:
    explicit CapturedLog(Impl& host) : host_(host) {}
    bool enabled(ah_log_level) const override { return true; }
    void write(const std::string& plugin, ah_log_level level, std::string_view message,
               std::string_view fields_json) override {
      host_.log(plugin, level, message, fields_json);
    }

   private:
    Impl& host_;
  };
};

runtime::OutsideWorld FakeHost::Impl::outside() {
  runtime::OutsideWorld world;
  world.secrets = std::make_shared<runtime::SecretMap>(secrets);  // set before start() only
  world.llm = std::make_shared<StubLlm>(*this);
  world.clock = std::make_shared<runtime::ManualClock>();
  world.network = std::make_shared<StubNetwork>(*this);
  world.log = std::make_shared<CapturedLog>(*this);
  return world;
}

FakeHost::FakeHost() : FakeHost(Options{}) {}

FakeHost::FakeHost(Options options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  if (impl_->options.data_dir.empty()) {
    impl_->options.data_dir = make_temp_dir();
    impl_->owns_dir = true;
  }
}

FakeHost::~FakeHost() {
  stop();
  impl_->runtime.reset();
  if (impl_->owns_dir) {
    std::error_code ignored;
    std::filesystem::remove_all(impl_->options.data_dir, ignored);
  }
}

void FakeHost::add_plugin(const ah_plugin_descriptor* descriptor, nlohmann::json config,
                          std::string prefix) {
  loader::check_descriptor(descriptor, "<compiled into the test>");
  impl_->add(loader::PluginCode{nullptr, descriptor, "<compiled into the test>"}, std::move(config),
             std::move(prefix));
}

void FakeHost::add_plugin_file(const std::filesystem::path& library, nlohmann::json config,
                               std::string prefix) {
  impl_->add(loader::load_plugin_file(library), std::move(config), std::move(prefix));
}

// With AH_TEST_POSTGRES_URL set, storage is a scratch PostgreSQL database;
// FakeHosts given the same data_dir share one, as they would share SQLite files.
void FakeHost::use_test_postgres(nlohmann::json& document) {
  if (!impl_->postgres) {
    impl_->postgres = ScratchPostgres::from_environment(
        impl_->owns_dir ? std::string() : impl_->options.data_dir.string());
  }
  if (!impl_->postgres) return;
  document["storage"]["backend"] = "postgres";
  document["storage"]["postgres"] = {{"url", impl_->postgres->url()}};
}

void FakeHost::start() {
  if (impl_->runtime) return;
  nlohmann::json document = {{"service", impl_->options.service},
                             {"storage", {{"data_dir", impl_->options.data_dir.string()}}},
                             {"plugin_dirs", nlohmann::json::array()},
                             {"plugins", impl_->plugins}};
  use_test_postgres(document);
  document.merge_patch(impl_->options.host_config);
  config::HostConfig config = config::parse_host_config(document, "<fake host config>");
  runtime::RuntimeOptions options;
  options.config_file = "<fake host config>";
  options.version = "fake";
  options.outside = impl_->outside();
  options.static_plugins = impl_->codes;
  impl_->runtime = std::make_unique<runtime::Runtime>(std::move(config), std::move(options));
  impl_->runtime->start();
}

void FakeHost::stop() {
  if (impl_->runtime) impl_->runtime->stop();
}

void FakeHost::reload(const std::string& plugin, nlohmann::json config) {
  if (!impl_->runtime) throw std::logic_error("FakeHost: reload() before start()");
  nlohmann::json document = impl_->runtime->config().raw;
  document["plugins"][plugin]["config"] = std::move(config);
  impl_->runtime->reload(config::parse_host_config(document, "<fake host config>"));
}

FakeResponse FakeHost::request(const std::string& method, const std::string& path_and_query,
                               const std::string& body, const Headers& headers) {
  if (!impl_->runtime) start();
  runtime::HttpRequest request;
  request.method = method;
  const auto question = path_and_query.find('?');
  request.path = path_and_query.substr(0, question);
  if (question != std::string::npos) request.query = path_and_query.substr(question + 1);
  for (const auto& [name, value] : headers) {
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    request.headers.emplace_back(std::move(lower), value);
  }
  request.body = body;
  return to_fake(impl_->runtime->dispatch(request));
}

namespace {
Headers with_json(Headers headers) {
  headers.emplace_back("content-type", "application/json");
  return headers;
}
}  // namespace

FakeResponse FakeHost::get(const std::string& path, const Headers& headers) {
  return request("GET", path, {}, headers);
}
FakeResponse FakeHost::post(const std::string& path, const nlohmann::json& body,
                            const Headers& headers) {
  return request("POST", path, body.dump(), with_json(headers));
}
FakeResponse FakeHost::patch(const std::string& path, const nlohmann::json& body,
                             const Headers& headers) {
  return request("PATCH", path, body.dump(), with_json(headers));
}
FakeResponse FakeHost::put(const std::string& path, const nlohmann::json& body,
                           const Headers& headers) {
  return request("PUT", path, body.dump(), with_json(headers));
}
FakeResponse FakeHost::del(const std::string& path, const Headers& headers) {
  return request("DELETE", path, {}, headers);
}

std::vector<std::string> FakeHost::jobs(const std::string& plugin) const {
  return impl_->runtime ? impl_->runtime->job_names(plugin) : std::vector<std::string>{};
}

void FakeHost::run_job(const std::string& plugin, const std::string& job,
                       std::chrono::system_clock::time_point fire_time) {
  if (!impl_->runtime) start();
  std::string error;
  if (!impl_->runtime->run_job(plugin, job, fire_time, error))
    throw std::runtime_error(plugin + "/" + job + ": " + error);
}

void FakeHost::stub_agent(const std::string& agent,
                          std::function<StubResult(const OutboundCall&)> stub) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->agent_stubs[agent] = std::move(stub);
}

void FakeHost::stub_http(const std::string& url_prefix,
                         std::function<StubResult(const OutboundCall&)> stub) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->http_stubs.emplace_back(url_prefix, std::move(stub));
}

void FakeHost::stub_llm(std::function<nlohmann::json(const nlohmann::json&)> stub) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->llm_stub = std::move(stub);
}

std::vector<OutboundCall> FakeHost::outbound_calls() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->calls;
}

void FakeHost::set_secret(const std::string& name, const std::string& value) {
  if (impl_->runtime) throw std::logic_error("FakeHost: set secrets before start()");
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->secrets[name] = value;
}

std::optional<double> FakeHost::metric(const std::string& full_name,
                                       const nlohmann::json& labels) const {
  if (!impl_->runtime) return std::nullopt;
  std::map<std::string, std::string> wanted;
  for (auto& [key, value] : labels.items()) wanted[key] = value.get<std::string>();
  double value = 0;
  if (!impl_->runtime->metrics().read(full_name, wanted, value)) return std::nullopt;
  return value;
}

std::vector<LogLine> FakeHost::logs() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->log_lines;
}

nlohmann::json FakeHost::health() const {
  return impl_->runtime ? impl_->runtime->health()["plugins"] : nlohmann::json::object();
}

const std::filesystem::path& FakeHost::data_dir() const {
  return impl_->options.data_dir;
}

}  // namespace agent_host::testing
