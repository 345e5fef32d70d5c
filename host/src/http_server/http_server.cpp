#include "http_server/http_server.hpp"

#include <pistache/listener.h>
#include <pistache/net.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "http_server/connection.hpp"
#include "http_server/handler_pool.hpp"
#include "http_server/network_thread.hpp"
#include "http_server/service.hpp"

namespace agent_host::http_server {
namespace {

using namespace Pistache;

// Requests that may wait for a free handler thread before the host answers 503.
constexpr size_t kHandlerQueueLimit = 4096;
// The metrics port reads no bodies.
constexpr size_t kMetricsMaxBody = 0;

// The API port: host endpoints and plugin routes, through the runtime.
class ApiService : public Service {
 public:
  // `pool` may be null: every handler then runs on the network threads.
  ApiService(runtime::Runtime& runtime, HandlerPool* pool) : runtime_(runtime), pool_(pool) {}

  void serve(runtime::HttpRequest& request, runtime::Completion done) override {
    if (pool_ == nullptr || runtime_.answers_inline(request)) {
      runtime_.dispatch(request, std::move(done));
      return;
    }
    auto pooled = std::make_shared<Pooled>(Pooled{std::move(request), std::move(done)});
    std::function<void()> task = [runtime = &runtime_, pooled] {
      runtime->dispatch(pooled->request, std::move(pooled->done));
    };
    if (pool_->submit(task)) return;
    pooled->done(refuse({503, "overloaded",
                         "the host has more requests waiting than it queues "
                         "(http.handler_threads are all busy); retry later",
                         ""},
                        pooled->request.method));
  }

  runtime::HttpResponse refuse(const http_wire::Refusal& refusal,
                               const std::string& method) override {
    return runtime_.refuse(refusal.status, refusal.code, refusal.message, refusal.field, method);
  }

 private:
  struct Pooled {
    runtime::HttpRequest request;
    runtime::Completion done;
  };
  runtime::Runtime& runtime_;
  HandlerPool* pool_;
};

// The metrics port: GET /metrics only.
class MetricsService : public Service {
 public:
  explicit MetricsService(runtime::Runtime& runtime) : runtime_(runtime) {}

  void serve(runtime::HttpRequest& request, runtime::Completion done) override {
    runtime::HttpResponse response;
    if (request.path == "/metrics" && (request.method == "GET" || request.method == "HEAD")) {
      response.body = runtime_.metrics().serialize();
      response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    } else {
      response =
          runtime::json_error(404, "not_found", "the metrics port serves GET /metrics only", "");
    }
    done(std::move(response));
  }

  runtime::HttpResponse refuse(const http_wire::Refusal& refusal, const std::string&) override {
    return runtime::json_error(refusal.status, refusal.code, refusal.message, "", refusal.field);
  }

 private:
  runtime::Runtime& runtime_;
};

// Pistache's TCP listener with the host's HTTP on each network thread.
std::unique_ptr<Tcp::Listener> listen(const std::string& address, int port, int threads,
                                      std::shared_ptr<PortState> state) {
  const std::string key = state->key;
  try {
    auto listener =
        std::make_unique<Tcp::Listener>(Address(address, Port(static_cast<uint16_t>(port))));
    listener->init(static_cast<size_t>(threads), Flags<Tcp::Options>(Tcp::Options::ReuseAddr), "",
                   1024);
    listener->setTransportFactory([state = std::move(state)] {
      return std::make_shared<NetworkThread>(std::make_shared<ConnectionHandler>(state));
    });
    listener->bind();
    listener->runThreaded();
    return listener;
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot listen on " + address + ":" + std::to_string(port) + " (" +
                             key + "): " + e.what() + "; free the port or change " + key);
  }
}

WireSettings wire_settings(const config::HttpConfig& http, size_t max_body) {
  WireSettings settings;
  settings.max_head_bytes = static_cast<size_t>(http.max_header_bytes);
  settings.max_body_bytes = max_body;
  settings.header_timeout = std::chrono::milliseconds(http.header_timeout_ms);
  settings.body_timeout = std::chrono::milliseconds(http.request_timeout_ms);
  settings.idle_timeout = std::chrono::milliseconds(http.idle_timeout_ms);
  settings.max_connections = static_cast<size_t>(http.max_connections);
  return settings;
}

std::shared_ptr<PortState> port_state(std::string key, WireSettings settings,
                                      std::shared_ptr<Service> service) {
  auto state = std::make_shared<PortState>();
  state->key = std::move(key);
  state->settings = settings;
  state->service = std::move(service);
  return state;
}

}  // namespace

struct HttpServer::Impl {
  explicit Impl(runtime::Runtime& r) : runtime(r) {}
  runtime::Runtime& runtime;
  std::unique_ptr<HandlerPool> pool;
  std::shared_ptr<PortState> api_state;
  std::unique_ptr<Tcp::Listener> api;
  std::unique_ptr<Tcp::Listener> metrics;
};

HttpServer::HttpServer(runtime::Runtime& runtime) : impl_(std::make_unique<Impl>(runtime)) {}

HttpServer::~HttpServer() {
  shutdown();
}

void HttpServer::start() {
  const auto& config = impl_->runtime.config();
  int threads = config.http.threads;
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (config.http.handler_threads > 0)
    impl_->pool = std::make_unique<HandlerPool>(
        static_cast<std::size_t>(config.http.handler_threads), kHandlerQueueLimit);
  const auto api_settings =
      wire_settings(config.http, static_cast<size_t>(config.http.max_request_bytes));
  impl_->api_state = port_state("http.port", api_settings,
                                std::make_shared<ApiService>(impl_->runtime, impl_->pool.get()));
  impl_->api = listen(config.http.address, config.http.port, threads, impl_->api_state);
  impl_->metrics = listen(config.metrics.address, config.metrics.port, 1,
                          port_state("metrics.port", wire_settings(config.http, kMetricsMaxBody),
                                     std::make_shared<MetricsService>(impl_->runtime)));
}

void HttpServer::begin_drain() {
  if (impl_->api_state) impl_->api_state->draining = true;
}

void HttpServer::shutdown() {
  // Pool threads answer through the API port's network threads: finish them first.
  if (impl_->pool) impl_->pool->stop();
  // Answers still in a mailbox after this are dropped with the network threads.
  if (impl_->api) impl_->api->shutdown();
  if (impl_->metrics) impl_->metrics->shutdown();
  impl_->api.reset();
  impl_->metrics.reset();
}

std::uint16_t HttpServer::port() const {
  return impl_->api ? static_cast<uint16_t>(impl_->api->getPort()) : 0;
}
std::uint16_t HttpServer::metrics_port() const {
  return impl_->metrics ? static_cast<uint16_t>(impl_->metrics->getPort()) : 0;
}

}  // namespace agent_host::http_server
