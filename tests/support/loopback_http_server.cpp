#include "loopback_http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace agent_host::testing {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::string ReceivedRequest::header(const std::string& name) const {
  for (const auto& entry : headers)
    if (entry.first == name) return entry.second;
  return "";
}

struct LoopbackHttpServer::Impl {
  Handler handler;
  mutable std::mutex mutex;
  std::vector<ReceivedRequest> requests;
  std::set<std::string> peers;
  std::unique_ptr<Pistache::Http::Endpoint> endpoint;
  std::uint16_t port = 0;

  CannedResponse handle(const Pistache::Http::Request& request) {
    ReceivedRequest received;
    received.method = Pistache::Http::methodString(request.method());
    received.path = request.resource();
    received.query = request.query().as_str();
    if (!received.query.empty() && received.query.front() == '?') received.query.erase(0, 1);
    for (const auto& typed : request.headers().list()) {
      std::ostringstream value;
      typed->write(value);
      received.headers.emplace_back(lower(typed->name()), value.str());
    }
    for (const auto& raw : request.headers().rawList())
      received.headers.emplace_back(lower(raw.second.name()), raw.second.value());
    received.body = request.body();
    received.peer = request.address().host() + ":" + request.address().port().toString();
    {
      std::lock_guard<std::mutex> lock(mutex);
      requests.push_back(received);
      peers.insert(received.peer);
    }
    return handler(received);
  }
};

namespace {

// A response header with a name chosen at run time (Pistache writes only typed
// headers into responses, not raw ones).
class NamedHeader : public Pistache::Http::Header::Header {
 public:
  NamedHeader(std::string name, std::string value)
      : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  void write(std::ostream& stream) const override { stream << value_; }
#ifdef SAFE_HEADER_CAST
  uint64_t hash() const override {
    return std::hash<std::string>()(name_);
  }
#endif

 private:
  std::string name_;
  std::string value_;
};

class RecordingHandler : public Pistache::Http::Handler {
 public:
  HTTP_PROTOTYPE(RecordingHandler)

  using Answer = std::function<CannedResponse(const Pistache::Http::Request&)>;
  explicit RecordingHandler(Answer answer) : answer_(std::move(answer)) {}

  void onRequest(const Pistache::Http::Request& request,
                 Pistache::Http::ResponseWriter response) override {
    CannedResponse answer;
    try {
      answer = answer_(request);
    } catch (const std::exception& error) {
      answer.status = 500;
      answer.body = std::string("test handler threw: ") + error.what();
    }
    if (answer.delay.count() > 0) std::this_thread::sleep_for(answer.delay);
    for (const auto& header : answer.headers)
      response.headers().add(std::make_shared<NamedHeader>(header.first, header.second));
    response.send(static_cast<Pistache::Http::Code>(answer.status), answer.body,
                  Pistache::Http::Mime::MediaType::fromString(answer.content_type));
  }

 private:
  Answer answer_;
};

}  // namespace

LoopbackHttpServer::LoopbackHttpServer(Handler handler, std::size_t threads)
    : impl_(std::make_unique<Impl>()) {
  // A client that gives up early closes the connection under a sleeping
  // handler; writing the late answer must not kill the test process.
  ::signal(SIGPIPE, SIG_IGN);
  impl_->handler = std::move(handler);
  impl_->endpoint = std::make_unique<Pistache::Http::Endpoint>(
      Pistache::Address(Pistache::Ipv4::loopback(), Pistache::Port(0)));
  impl_->endpoint->init(Pistache::Http::Endpoint::options()
                            .threads(static_cast<int>(threads))
                            .flags(Pistache::Tcp::Options::ReuseAddr)
                            .maxRequestSize(16 * 1024 * 1024)
                            .maxResponseSize(16 * 1024 * 1024));
  impl_->endpoint->setHandler(std::make_shared<RecordingHandler>(
      [impl = impl_.get()](const Pistache::Http::Request& request) {
        return impl->handle(request);
      }));
  impl_->endpoint->serveThreaded();
  impl_->port = static_cast<std::uint16_t>(impl_->endpoint->getPort());
  if (impl_->port == 0) throw std::runtime_error("test HTTP server did not get a port");
}

LoopbackHttpServer::~LoopbackHttpServer() {
  impl_->endpoint->shutdown();
}

std::uint16_t LoopbackHttpServer::port() const {
  return impl_->port;
}

std::string LoopbackHttpServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}

std::vector<ReceivedRequest> LoopbackHttpServer::requests() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->requests;
}

std::size_t LoopbackHttpServer::connection_count() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->peers.size();
}

std::uint16_t closed_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("bind() on loopback failed");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace agent_host::testing
