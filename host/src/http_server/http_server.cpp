#include "http_server/http_server.hpp"

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/net.h>
#include <pistache/peer.h>

#include <functional>
#include <memory>
#include <ostream>
#include <shared_mutex>
#include <string_view>
#include <thread>
#include <utility>

#include "http_server/handler_pool.hpp"
#include "http_server/response_bytes.hpp"

namespace agent_host::http_server {
namespace {

using namespace Pistache;

// Extra room over http.max_request_bytes for the request line and headers, so
// an oversized body gets the host's JSON 413 rather than Pistache's plain one.
constexpr size_t kHeaderAllowance = 16 * 1024;
// Requests that may wait for a free handler thread before the host answers 503.
constexpr size_t kHandlerQueueLimit = 4096;
// The per-thread request keeps a body buffer up to this size between requests.
constexpr size_t kKeptBodyCapacity = 64 * 1024;

// ASCII only, without the locale lookup std::tolower makes per character.
void assign_lower(std::string& out, std::string_view text) {
  out.assign(text);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
}

// A stream buffer that appends to a string chosen per use: Pistache's typed
// headers only write themselves to a std::ostream, and this lets them write
// straight into the request's (reused) header value.
class AppendToString : public std::streambuf {
 public:
  void target(std::string* out) { out_ = out; }

 protected:
  int_type overflow(int_type c) override {
    if (c != traits_type::eof()) out_->push_back(traits_type::to_char_type(c));
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* text, std::streamsize count) override {
    out_->append(text, static_cast<size_t>(count));
    return count;
  }

 private:
  std::string* out_ = nullptr;
};

void assign_header_value(std::string& out, const Http::Header::Header& header) {
  thread_local AppendToString buffer;
  thread_local std::ostream stream(&buffer);
  out.clear();
  buffer.target(&out);
  header.write(stream);
  stream.clear();
}

// Writes the response through the connection's transport, as one buffer.
// Throws when the client has gone (Pistache reports a dead peer that way).
void send(Http::ResponseWriter& writer, const runtime::HttpResponse& response,
          const ReplyShape& shape) {
  std::string bytes = response_bytes(response, shape);
  const size_t size = bytes.size();
  const std::shared_ptr<Tcp::Peer> peer = writer.peer();
  peer->setIdle(true);  // as ResponseWriter::send does: the keep-alive timer applies again
  // "Connection: close" is not followed by a close from this side: the client
  // closes (Pistache never does). A half-close once the write completes was
  // tried and reverted: from a handler thread the completion can be attached
  // after the connection is gone and its descriptor reused by another one.
  peer->send(RawBuffer(std::move(bytes), size));
}

// A client that hung up while its request waited leaves a writer whose
// connection is gone.
void send_if_connected(Http::ResponseWriter& writer, const runtime::HttpResponse& response,
                       const ReplyShape& shape) {
  try {
    send(writer, response, shape);
  } catch (const std::exception&) {
  }
}

// Pistache 0.0.5 answers "Connection: Close" unless the client sent
// "Connection: keep-alive" (HTTP/1.0 semantics), and clients then hang up.
// HTTP/1.1 clients such as curl, Go and ingress-nginx rely on persistent
// connections by default, so an HTTP/1.1 connection is kept unless the client
// asked to close it.
ReplyShape reply_shape(const Http::Request& request) {
  ReplyShape shape;
  shape.http10 = request.version() == Http::Version::Http10;
  const auto connection = request.headers().tryGet<Http::Header::Connection>();
  shape.keep_alive =
      connection ? connection->control() == Http::ConnectionControl::KeepAlive : !shape.http10;
  shape.head = request.method() == Http::Method::Head;
  return shape;
}

// A request on its way to the handler pool, with the writer that answers it.
struct PooledRequest {
  runtime::HttpRequest request;
  Http::ResponseWriter writer;
  ReplyShape shape;
};

// Late answers (a handler that deferred) reach the network through here, so
// none is written once the endpoint has shut down.
struct LateAnswerGate {
  std::shared_mutex mutex;
  bool open = true;

  void close() {
    std::unique_lock<std::shared_mutex> lock(mutex);
    open = false;
  }
};

// Where a deferred answer goes: the connection's writer, kept until then.
runtime::LateAnswer answer_later(std::shared_ptr<LateAnswerGate> gate,
                                 Http::ResponseWriter&& writer, const ReplyShape& shape) {
  // std::function needs a copyable target; the writer is move-only.
  auto held =
      std::make_shared<std::pair<Http::ResponseWriter, ReplyShape>>(std::move(writer), shape);
  return [gate = std::move(gate), held = std::move(held)](runtime::HttpResponse response) {
    std::shared_lock<std::shared_mutex> lock(gate->mutex);
    if (gate->open) send_if_connected(held->first, response, held->second);
  };
}

class ApiHandler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(ApiHandler)
  // `pool` may be null: every handler then runs on the network threads.
  ApiHandler(runtime::Runtime* runtime, size_t max_body, HandlerPool* pool,
             std::shared_ptr<LateAnswerGate> gate)
      : runtime_(runtime), max_body_(max_body), pool_(pool), gate_(std::move(gate)) {}

  void onRequest(const Http::Request& request, Http::ResponseWriter writer) override {
    const ReplyShape shape = reply_shape(request);
    // One per network thread, refilled for every request: its strings and
    // header list keep their capacity, so a request answered inline copies
    // into memory it already has instead of allocating. A request handed to
    // the pool takes the object's contents with it.
    thread_local runtime::HttpRequest in;
    fill(request, in);
    if (request.body().size() > max_body_) {
      auto response =
          runtime::json_error(413, "payload_too_large",
                              "request body of " + std::to_string(request.body().size()) +
                                  " bytes exceeds the limit of " + std::to_string(max_body_) +
                                  " bytes (http.max_request_bytes)",
                              "", "body");
      send(writer, response, shape);
      return;
    }
    in.body.assign(request.body());
    if (pool_ == nullptr || runtime_->answers_inline(in)) {
      // Captures one pointer, so the std::function needs no allocation.
      struct Context {
        ApiHandler* self;
        Http::ResponseWriter* writer;
        const ReplyShape* shape;
      } context{this, &writer, &shape};
      const runtime::AnswerLater later = [&context]() {
        return answer_later(context.self->gate_, std::move(*context.writer), *context.shape);
      };
      runtime::HttpResponse response;
      if (runtime_->dispatch(in, response, later)) send(writer, response, shape);
      return;
    }
    // Pistache queues a response written from another thread to the
    // connection's network thread, so the pool thread answers directly.
    auto pooled =
        std::make_shared<PooledRequest>(PooledRequest{std::move(in), std::move(writer), shape});
    std::function<void()> task = [runtime = runtime_, gate = gate_, pooled] {
      const runtime::AnswerLater later = [&gate, &pooled]() {
        return answer_later(gate, std::move(pooled->writer), pooled->shape);
      };
      runtime::HttpResponse response;
      if (runtime->dispatch(pooled->request, response, later))
        send_if_connected(pooled->writer, response, pooled->shape);
    };
    if (!pool_->submit(task)) {
      send_if_connected(pooled->writer,
                        runtime::json_error(503, "overloaded",
                                            "the host has more requests waiting than it queues "
                                            "(http.handler_threads are all busy); retry later",
                                            ""),
                        shape);
    }
  }

 private:
  // Every field of `in` is (re)assigned; element strings are reused in place.
  static void fill(const Http::Request& request, runtime::HttpRequest& in) {
    in.method.assign(Http::methodString(request.method()));
    in.path.assign(request.resource());
    const std::string& query = request.query().as_str();
    in.query.assign(query, !query.empty() && query.front() == '?' ? 1 : 0, std::string::npos);
    // A large body's buffer is not kept for the requests after it.
    if (in.body.capacity() > kKeptBodyCapacity) std::string().swap(in.body);
    in.body.clear();
    in.request_id.clear();
    in.in_process = false;
    in.remote.clear();
    size_t count = 0;
    const auto next = [&in, &count]() -> std::pair<std::string, std::string>& {
      if (count == in.headers.size()) in.headers.emplace_back();
      return in.headers[count++];
    };
    const auto& raw_headers = request.headers().rawList();
    for (const auto& [name, raw] : raw_headers) {
      auto& [lower_name, value] = next();
      assign_lower(lower_name, name);
      value.assign(raw.value());
    }
    // Pistache parses well-known headers into typed objects instead.
    for (const auto& header : request.headers().list()) {
      if (raw_headers.count(header->name())) continue;
      auto& [lower_name, value] = next();
      assign_lower(lower_name, header->name());
      assign_header_value(value, *header);
    }
    in.headers.resize(count);
  }
  runtime::Runtime* runtime_;
  size_t max_body_;
  HandlerPool* pool_;
  std::shared_ptr<LateAnswerGate> gate_;
};

class MetricsHandler : public Http::Handler {
 public:
  HTTP_PROTOTYPE(MetricsHandler)
  explicit MetricsHandler(runtime::Runtime* runtime) : runtime_(runtime) {}

  void onRequest(const Http::Request& request, Http::ResponseWriter writer) override {
    const ReplyShape shape = reply_shape(request);
    runtime::HttpResponse response;
    if (request.resource() == "/metrics" && request.method() == Http::Method::Get) {
      response.body = runtime_->metrics().serialize();
      response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    } else {
      response =
          runtime::json_error(404, "not_found", "the metrics port serves GET /metrics only", "");
    }
    send(writer, response, shape);
  }

 private:
  runtime::Runtime* runtime_;
};

// `read_timeout`: how long a client may take to send headers and body; it
// bounds slow or stalled clients (http.request_timeout_ms).
std::shared_ptr<Http::Endpoint> listen(const std::string& key, const std::string& address, int port,
                                       int threads, size_t max_request,
                                       std::chrono::milliseconds read_timeout,
                                       std::shared_ptr<Http::Handler> handler) {
  try {
    auto endpoint =
        std::make_shared<Http::Endpoint>(Address(address, Port(static_cast<uint16_t>(port))));
    endpoint->init(Http::Endpoint::options()
                       .threads(threads)
                       .flags(Tcp::Options::ReuseAddr)
                       .maxRequestSize(max_request)
                       .maxResponseSize(256 * 1024 * 1024)
                       .headerTimeout(read_timeout)
                       .bodyTimeout(read_timeout)
                       .backlog(1024));
    endpoint->setHandler(std::move(handler));
    endpoint->serveThreaded();
    return endpoint;
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot listen on " + address + ":" + std::to_string(port) + " (" +
                             key + "): " + e.what() + "; free the port or change " + key);
  }
}

}  // namespace

struct HttpServer::Impl {
  explicit Impl(runtime::Runtime& r) : runtime(r) {}
  runtime::Runtime& runtime;
  std::shared_ptr<LateAnswerGate> late_answers = std::make_shared<LateAnswerGate>();
  std::unique_ptr<HandlerPool> pool;
  std::shared_ptr<Http::Endpoint> api;
  std::shared_ptr<Http::Endpoint> metrics;
};

HttpServer::HttpServer(runtime::Runtime& runtime) : impl_(std::make_unique<Impl>(runtime)) {}

HttpServer::~HttpServer() {
  shutdown();
}

void HttpServer::start() {
  const auto& config = impl_->runtime.config();
  int threads = config.http.threads;
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const size_t max_body = static_cast<size_t>(config.http.max_request_bytes);
  const std::chrono::milliseconds read_timeout(config.http.request_timeout_ms);
  if (config.http.handler_threads > 0)
    impl_->pool = std::make_unique<HandlerPool>(
        static_cast<std::size_t>(config.http.handler_threads), kHandlerQueueLimit);
  impl_->api = listen("http.port", config.http.address, config.http.port, threads,
                      max_body + kHeaderAllowance, read_timeout,
                      std::make_shared<ApiHandler>(&impl_->runtime, max_body, impl_->pool.get(),
                                                   impl_->late_answers));
  impl_->metrics =
      listen("metrics.port", config.metrics.address, config.metrics.port, 1, kHeaderAllowance,
             read_timeout, std::make_shared<MetricsHandler>(&impl_->runtime));
}

void HttpServer::shutdown() {
  // Pool threads answer through the API endpoint's transports: finish them first.
  if (impl_->pool) impl_->pool->stop();
  // Answers deferred past the drain are dropped rather than written to a
  // transport that is going away.
  impl_->late_answers->close();
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
