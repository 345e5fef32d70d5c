// Answers made on other threads (the handler pool, a deferred handler's
// writer thread) travel back to the network thread that owns their
// connection through its mailbox: all of a connection's state is touched by
// that one thread, so a connection that closed meanwhile is noticed there and
// its answer dropped, never written to a descriptor reused by another client.
#pragma once

#include <pistache/os.h>

#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "runtime/http_types.hpp"

namespace agent_host::http_server {

class Connection;

class Mailbox {
 public:
  using Letter = std::pair<std::shared_ptr<Connection>, runtime::HttpResponse>;

  // Registers the wake-up descriptor with the network thread's poller.
  Pistache::Polling::Tag bind(Pistache::Polling::Epoll& poller) { return notify_.bind(poller); }
  Pistache::Polling::Tag tag() const { return notify_.tag(); }

  // Any thread.
  void post(std::shared_ptr<Connection> connection, runtime::HttpResponse response);
  // The network thread, when woken: everything posted so far.
  std::vector<Letter> take();
  // The network thread, when it ends: letters still here and any posted
  // later are dropped. (A letter holds its connection, which holds this
  // mailbox: kept, they would keep each other alive after the server.)
  void close();

 private:
  std::mutex mutex_;
  std::vector<Letter> letters_;
  bool closed_ = false;
  Pistache::NotifyFd notify_;
};

}  // namespace agent_host::http_server
