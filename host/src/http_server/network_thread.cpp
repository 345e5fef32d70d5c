#include "http_server/network_thread.hpp"

#include <sys/timerfd.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "logging/logging.hpp"

namespace agent_host::http_server {
namespace {

using namespace Pistache;

// How often timeouts are checked: their precision.
constexpr long kTickNanoseconds = 250'000'000;
// A refused connection is logged at most this often per network thread.
constexpr std::chrono::seconds kLimitLogInterval(10);

void log(ah_log_level level, const std::string& message, const nlohmann::json& fields) {
  if (logging::Logging::enabled(level))
    logging::Logging::log(level, "host", message, fields.dump());
}

}  // namespace

ConnectionHandler::ConnectionHandler(std::shared_ptr<PortState> port) : port_(std::move(port)) {}

ConnectionHandler::~ConnectionHandler() {
  mailbox_->close();
}

std::shared_ptr<Tcp::Handler> ConnectionHandler::clone() const {
  return std::make_shared<ConnectionHandler>(port_);
}

void ConnectionHandler::onConnection(const std::shared_ptr<Tcp::Peer>& peer) {
  auto connection = std::make_shared<Connection>(peer, *port_, mailbox_);
  connections_.emplace(peer.get(), connection);
  const std::size_t open = port_->connections.fetch_add(1) + 1;
  if (open <= port_->settings.max_connections) return;
  connection->refuse_over_limit();
  thread_local Clock::time_point last_logged;
  const auto now = Clock::now();
  if (now - last_logged < kLimitLogInterval) return;
  last_logged = now;
  log(AH_LOG_WARN, "connection limit reached; new connections are answered 503 and closed",
      {{"key", port_->key},
       {"max_connections", port_->settings.max_connections},
       {"setting", "http.max_connections"}});
}

void ConnectionHandler::onInput(const char* buffer, size_t length,
                                const std::shared_ptr<Tcp::Peer>& peer) {
  const auto found = connections_.find(peer.get());
  if (found != connections_.end()) found->second->on_input(buffer, length);
}

void ConnectionHandler::onDisconnection(const std::shared_ptr<Tcp::Peer>& peer) {
  const auto found = connections_.find(peer.get());
  if (found == connections_.end()) return;
  found->second->on_closed();
  connections_.erase(found);
  port_->connections.fetch_sub(1);
}

void ConnectionHandler::deliver() {
  for (auto& [connection, response] : mailbox_->take())
    if (!connection->closed()) connection->on_answer(std::move(response));
}

void ConnectionHandler::tick() {
  const auto now = Clock::now();
  std::size_t timed_out = 0;
  std::size_t idle_closed = 0;
  // Closing only shuts sockets down; Pistache removes the peers later, so
  // the map does not change while it is walked.
  for (auto& [peer, connection] : connections_) {
    const auto what = connection->on_tick(now);
    if (what == Connection::Tick::TimedOut) ++timed_out;
    if (what == Connection::Tick::IdleClosed) ++idle_closed;
  }
  if (timed_out > 0)
    log(AH_LOG_INFO, "slow requests answered 408 and closed",
        {{"key", port_->key},
         {"connections", timed_out},
         {"settings", "http.header_timeout_ms, http.request_timeout_ms"}});
  if (idle_closed > 0 && logging::Logging::enabled(AH_LOG_DEBUG))
    log(AH_LOG_DEBUG, "idle connections closed",
        {{"key", port_->key}, {"connections", idle_closed}, {"setting", "http.idle_timeout_ms"}});
}

NetworkThread::NetworkThread(std::shared_ptr<ConnectionHandler> handler)
    : Tcp::Transport(handler), connections_(std::move(handler)) {}

NetworkThread::~NetworkThread() {
  if (tick_fd_ >= 0) ::close(tick_fd_);
}

void NetworkThread::registerPoller(Polling::Epoll& poller) {
  Tcp::Transport::registerPoller(poller);
  connections_->mailbox().bind(poller);
  tick_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (tick_fd_ < 0) throw std::runtime_error("timerfd_create failed for the HTTP timeouts");
  itimerspec every{};
  every.it_value.tv_nsec = kTickNanoseconds;
  every.it_interval.tv_nsec = kTickNanoseconds;
  timerfd_settime(tick_fd_, 0, &every, nullptr);
  poller.addFd(tick_fd_, Flags<Polling::NotifyOn>(Polling::NotifyOn::Read), Polling::Tag(tick_fd_));
}

void NetworkThread::onReady(const Aio::FdSet& fds) {
  for (const auto& entry : fds) {
    if (entry.getTag() == Polling::Tag(tick_fd_)) {
      uint64_t expirations = 0;
      [[maybe_unused]] const auto read = ::read(tick_fd_, &expirations, sizeof expirations);
      connections_->tick();
    } else if (entry.getTag() == connections_->mailbox().tag()) {
      connections_->deliver();
    }
  }
  // The base ignores the two descriptors above; it handles peers and writes.
  Tcp::Transport::onReady(fds);
}

std::shared_ptr<Aio::Handler> NetworkThread::clone() const {
  return std::make_shared<NetworkThread>(
      std::static_pointer_cast<ConnectionHandler>(connections_->clone()));
}

}  // namespace agent_host::http_server
