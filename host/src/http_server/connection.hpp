// One client connection: reads requests from it one after the other (a
// pipelined request waits in the buffer until the one before is answered, so
// answers go out in order), enforces the limits and timeouts, and closes it
// when HTTP says so. Every member runs on the network thread that owns the
// connection; other threads answer through its Mailbox.
#pragma once

#include <pistache/peer.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "http_server/mailbox.hpp"
#include "http_server/response_bytes.hpp"
#include "http_server/service.hpp"
#include "http_wire/chunked_body.hpp"
#include "http_wire/request_head.hpp"

namespace agent_host::http_server {

using Clock = std::chrono::steady_clock;

struct WireSettings {
  std::size_t max_head_bytes = 16384;
  std::size_t max_body_bytes = 1048576;
  std::chrono::milliseconds header_timeout{60000};  // a new request's head
  std::chrono::milliseconds body_timeout{30000};    // its body, once the head is in
  std::chrono::milliseconds idle_timeout{75000};    // a kept connection between requests
  std::chrono::milliseconds linger{5000};           // reading (and dropping) after our FIN
  std::size_t max_connections = 1024;
};

// What every connection of one listening port shares.
struct PortState {
  std::string key;  // "http.port": named in log lines
  WireSettings settings;
  std::shared_ptr<Service> service;
  std::atomic<bool> draining{false};
  std::atomic<std::size_t> connections{0};
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<Pistache::Tcp::Peer> peer, PortState& port,
             std::shared_ptr<Mailbox> mailbox);

  void on_input(const char* bytes, std::size_t size);
  void on_answer(runtime::HttpResponse response);
  // Periodic: timeouts, and closing an idle connection while draining.
  // Returns what happened, for the caller's log line.
  enum class Tick { Nothing, TimedOut, IdleClosed };
  Tick on_tick(Clock::time_point now);
  // Refuses a connection over http.max_connections: a 503, then close.
  void refuse_over_limit();
  // The peer is gone (Pistache is about to close the descriptor).
  void on_closed();
  bool closed() const { return closed_; }

 private:
  enum class State { Head, Body, Busy, Idle, Closing };

  // Reads and serves whatever complete requests the buffer holds, one at a time.
  void advance();
  bool read_head();
  bool read_body();
  void serve();
  // Where the service sends the response: kept while serve() runs on this
  // thread (answered when it returns), else handed to the Mailbox.
  static void complete(const std::shared_ptr<Connection>& self, runtime::HttpResponse response);
  void answer(runtime::HttpResponse& response);
  // Answers for the wire layer itself (the service renders the JSON), then closes.
  void refuse(const http_wire::Refusal& refusal, const std::string& method);
  std::string render(runtime::HttpResponse& response, bool keep_alive) const;
  // Writes in order; with `then_close`, a FIN follows the bytes and input is
  // read and dropped until the client closes or the linger time ends
  // (closing with unread input would reset the connection and could destroy
  // the answer at the client).
  void write(std::string bytes, bool then_close);
  void write_orphan(const std::string& bytes, bool then_close);
  void finish_orphan();
  void close_now();
  void next_request();
  void compact();

  std::shared_ptr<Pistache::Tcp::Peer> peer_;
  PortState& port_;
  std::shared_ptr<Mailbox> mailbox_;

  State state_ = State::Head;
  Clock::time_point deadline_;
  bool closed_ = false;
  int orphan_fd_ = -1;               // the socket kept after Pistache let the peer go
  std::size_t queued_writes_ = 0;    // bytes of ours waiting in Pistache's write queue
  bool close_after_answer_ = false;  // set when input can no longer be trusted or kept
  std::string in_;                   // received, not yet used
  std::size_t used_ = 0;             // bytes at the front of in_ already consumed
  std::size_t scanned_ = 0;          // of the current head
  runtime::HttpRequest request_;
  http_wire::HeadFacts facts_;
  std::optional<http_wire::ChunkedBody> chunked_;
  std::optional<runtime::HttpResponse> answered_in_serve_;
};

}  // namespace agent_host::http_server
