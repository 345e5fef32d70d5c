// One network thread of a listening port, on Pistache's TCP layer: its
// transport (epoll, accept hand-off, the write queue) is Pistache's; the
// HTTP on top of it is the host's (connection.cpp). Pistache's own HTTP
// handler is not used: it drops pipelined requests, never closes after
// "Connection: close", stalls on some chunked bodies and answers 500 for a
// bad Content-Length (docs/architecture.md).
#pragma once

#include <pistache/tcp.h>
#include <pistache/transport.h>

#include <memory>
#include <unordered_map>

#include "http_server/connection.hpp"
#include "http_server/mailbox.hpp"

namespace agent_host::http_server {

// The thread's connections, fed by Pistache's transport.
class ConnectionHandler : public Pistache::Tcp::Handler {
 public:
  explicit ConnectionHandler(std::shared_ptr<PortState> port);
  ~ConnectionHandler() override;
  std::shared_ptr<Pistache::Tcp::Handler> clone() const override;

  void onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;
  void onInput(const char* buffer, size_t length,
               const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;
  void onDisconnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;

  Mailbox& mailbox() { return *mailbox_; }
  // Answers posted from other threads.
  void deliver();
  // Timeouts and draining, a few times a second.
  void tick();

 private:
  std::shared_ptr<PortState> port_;
  std::shared_ptr<Mailbox> mailbox_ = std::make_shared<Mailbox>();
  std::unordered_map<const Pistache::Tcp::Peer*, std::shared_ptr<Connection>> connections_;
};

// Pistache's transport plus two wake-ups of the host's: the mailbox and a tick.
class NetworkThread : public Pistache::Tcp::Transport {
 public:
  explicit NetworkThread(std::shared_ptr<ConnectionHandler> handler);
  ~NetworkThread() override;
  void registerPoller(Pistache::Polling::Epoll& poller) override;
  void onReady(const Pistache::Aio::FdSet& fds) override;
  std::shared_ptr<Pistache::Aio::Handler> clone() const override;

 private:
  std::shared_ptr<ConnectionHandler> connections_;
  int tick_fd_ = -1;
};

}  // namespace agent_host::http_server
