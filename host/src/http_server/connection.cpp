#include "http_server/connection.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

namespace agent_host::http_server {
namespace {

// The buffer keeps this much capacity between requests.
constexpr std::size_t kKeptBufferCapacity = 64 * 1024;
constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace

Connection::Connection(std::shared_ptr<Pistache::Tcp::Peer> peer, PortState& port,
                       std::shared_ptr<Mailbox> mailbox)
    : peer_(std::move(peer)),
      port_(port),
      mailbox_(std::move(mailbox)),
      deadline_(Clock::now() + port.settings.header_timeout) {}

void Connection::on_input(const char* bytes, std::size_t size) {
  if (closed_ || state_ == State::Closing) return;  // lingering: read and dropped
  if (state_ == State::Busy) {
    // Pipelined requests wait here; a client sending far more than one more
    // request meanwhile gets its answer, and then the connection closes.
    const auto& limits = port_.settings;
    if (in_.size() - used_ + size > limits.max_head_bytes + limits.max_body_bytes) {
      close_after_answer_ = true;
      return;
    }
    in_.append(bytes, size);
    return;
  }
  in_.append(bytes, size);
  if (state_ == State::Idle) {
    state_ = State::Head;
    deadline_ = Clock::now() + port_.settings.header_timeout;
  }
  advance();
}

void Connection::advance() {
  while (!closed_) {
    const bool progressed = state_ == State::Head   ? read_head()
                            : state_ == State::Body ? read_body()
                                                    : false;
    if (progressed) continue;
    // A client that half-closed sends nothing more: once what it sent is
    // answered, the connection ends.
    if (orphan_fd_ >= 0 && state_ != State::Busy) finish_orphan();
    return;
  }
}

bool Connection::read_head() {
  if (used_ == in_.size()) return false;
  const std::string_view input = std::string_view(in_).substr(used_);
  http_wire::Refusal refusal;
  const auto status = http_wire::parse_request_head(input, port_.settings.max_head_bytes, scanned_,
                                                    request_, facts_, refusal);
  if (status == http_wire::HeadStatus::Incomplete) return false;
  if (status == http_wire::HeadStatus::Refused) {
    refuse(refusal, {});
    return false;
  }
  used_ += facts_.size;
  scanned_ = 0;
  request_.body.clear();
  const std::size_t max_body = port_.settings.max_body_bytes;
  if (facts_.chunked) {
    chunked_.emplace(max_body, port_.settings.max_head_bytes);
  } else if (facts_.content_length > max_body) {
    // Answered before any of the body is read; the connection then closes,
    // since what follows on it is that body.
    refuse({413, "payload_too_large",
            "request body of " + std::to_string(facts_.content_length) +
                " bytes exceeds the limit of " + std::to_string(max_body) +
                " bytes (http.max_request_bytes)",
            "body"},
           request_.method);
    return false;
  }
  state_ = State::Body;
  deadline_ = Clock::now() + port_.settings.body_timeout;
  const bool body_expected = facts_.chunked || facts_.content_length > 0;
  if (facts_.expect_continue && !facts_.http10 && body_expected && used_ == in_.size())
    write(std::string(kContinue, sizeof kContinue - 1), false);
  return true;
}

bool Connection::read_body() {
  const std::string_view input = std::string_view(in_).substr(used_);
  if (chunked_) {
    std::size_t consumed = 0;
    http_wire::Refusal refusal;
    const auto status = chunked_->feed(input, request_.body, consumed, refusal);
    used_ += consumed;
    if (status == http_wire::ChunkedBody::Status::Refused) {
      refuse(refusal, request_.method);
      return false;
    }
    if (status == http_wire::ChunkedBody::Status::NeedMore) {
      compact();
      return false;
    }
    chunked_.reset();
  } else {
    const std::size_t missing =
        static_cast<std::size_t>(facts_.content_length) - request_.body.size();
    const std::size_t take = std::min(missing, input.size());
    request_.body.append(input.data(), take);
    used_ += take;
    if (take < missing) {
      compact();
      return false;
    }
  }
  serve();
  return true;
}

namespace {
// The connection whose serve() is running on this thread, if any: an answer
// given before serve() returns is written by serve() itself, in order,
// without a trip through the Mailbox.
thread_local const Connection* serving_on_this_thread = nullptr;
}  // namespace

void Connection::serve() {
  state_ = State::Busy;
  request_.request_id.clear();
  request_.in_process = false;
  serving_on_this_thread = this;
  port_.service->serve(request_, [self = shared_from_this()](runtime::HttpResponse response) {
    complete(self, std::move(response));
  });
  serving_on_this_thread = nullptr;
  if (!answered_in_serve_) return;  // deferred: on_answer() writes it
  runtime::HttpResponse response = std::move(*answered_in_serve_);
  answered_in_serve_.reset();
  answer(response);
}

void Connection::complete(const std::shared_ptr<Connection>& self, runtime::HttpResponse response) {
  if (serving_on_this_thread == self.get()) {
    self->answered_in_serve_ = std::move(response);
    return;
  }
  self->mailbox_->post(self, std::move(response));
}

void Connection::on_answer(runtime::HttpResponse response) {
  if (closed_ || state_ != State::Busy) return;
  answer(response);
  advance();
}

void Connection::answer(runtime::HttpResponse& response) {
  const bool keep_alive = facts_.keep_alive && !close_after_answer_ && !port_.draining.load();
  write(render(response, keep_alive), !keep_alive);
  if (keep_alive) next_request();
}

void Connection::refuse(const http_wire::Refusal& refusal, const std::string& method) {
  runtime::HttpResponse response = port_.service->refuse(refusal, method);
  facts_.head_method = false;
  write(render(response, false), true);
}

void Connection::refuse_over_limit() {
  refuse({503, "too_many_connections",
          "the host serves at most " + std::to_string(port_.settings.max_connections) +
              " connections at once (http.max_connections); retry later",
          ""},
         {});
}

std::string Connection::render(runtime::HttpResponse& response, bool keep_alive) const {
  ReplyShape shape;
  shape.http10 = facts_.http10;
  shape.keep_alive = keep_alive;
  shape.head = facts_.head_method;
  return response_bytes(response, shape);
}

void Connection::write(std::string bytes, bool then_close) {
  if (then_close) {
    state_ = State::Closing;
    deadline_ = Clock::now() + port_.settings.linger;
  }
  if (orphan_fd_ >= 0) {
    write_orphan(bytes, then_close);
    return;
  }
  size_t written = 0;
  if (queued_writes_ == 0) {
    // Straight to the socket: this is the connection's thread and nothing of
    // it waits in Pistache's write queue, so the order holds and the answer
    // leaves before a half-closing client's end of stream is read.
    const ssize_t sent =
        ::send(peer_->fd(), bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      close_now();
      return;
    }
    written = sent < 0 ? 0 : static_cast<size_t>(sent);
  }
  if (written == bytes.size()) {
    if (then_close) ::shutdown(peer_->fd(), SHUT_WR);
    return;
  }
  // The rest waits for the socket in Pistache's queue; it completes on this thread.
  ++queued_writes_;
  const size_t left = bytes.size() - written;
  std::weak_ptr<Connection> weak = weak_from_this();
  peer_->send(Pistache::RawBuffer(bytes.substr(written), left))
      .then(
          [weak, then_close](ssize_t) {
            auto self = weak.lock();
            if (!self || self->closed_) return;
            --self->queued_writes_;
            if (then_close) ::shutdown(self->peer_->fd(), SHUT_WR);
          },
          [weak](std::exception_ptr) {
            if (auto self = weak.lock()) self->close_now();
          });
}

void Connection::write_orphan(const std::string& bytes, bool then_close) {
  // Best effort, never waiting: the client has stopped sending and the
  // socket's buffer takes an answer of ordinary size whole.
  [[maybe_unused]] const ssize_t sent =
      ::send(orphan_fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  if (then_close) finish_orphan();
}

void Connection::on_closed() {
  // A client that half-closed after its request still gets the answer (and
  // those of requests pipelined before): Pistache closes its descriptor on
  // end of stream, so the socket is kept through a duplicate until then.
  if (state_ == State::Busy && orphan_fd_ < 0 && queued_writes_ == 0) {
    orphan_fd_ = ::dup(peer_->fd());
    if (orphan_fd_ >= 0) return;
  }
  closed_ = true;
}

void Connection::finish_orphan() {
  if (orphan_fd_ < 0) return;
  ::shutdown(orphan_fd_, SHUT_WR);
  ::close(orphan_fd_);
  orphan_fd_ = -1;
  closed_ = true;
}

void Connection::close_now() {
  if (orphan_fd_ >= 0) {
    finish_orphan();
    return;
  }
  // Pistache reads end-of-stream from a socket shut down both ways and
  // removes the peer itself; closing the descriptor here would race with it.
  if (!closed_) ::shutdown(peer_->fd(), SHUT_RDWR);
  state_ = State::Closing;
  deadline_ = Clock::now() + std::chrono::seconds(1);
}

void Connection::next_request() {
  facts_ = {};
  compact();
  if (used_ < in_.size()) {
    state_ = State::Head;
    deadline_ = Clock::now() + port_.settings.header_timeout;
  } else {
    state_ = State::Idle;
    deadline_ = Clock::now() + port_.settings.idle_timeout;
  }
}

void Connection::compact() {
  if (used_ == in_.size()) {
    if (in_.capacity() > kKeptBufferCapacity) std::string().swap(in_);
    in_.clear();
    used_ = 0;
  } else if (used_ > kKeptBufferCapacity) {
    in_.erase(0, used_);
    used_ = 0;
  }
}

Connection::Tick Connection::on_tick(Clock::time_point now) {
  if (closed_) return Tick::Nothing;
  switch (state_) {
    case State::Idle:
      if (port_.draining.load()) {
        close_now();
        return Tick::Nothing;
      }
      if (now < deadline_) return Tick::Nothing;
      close_now();
      return Tick::IdleClosed;
    case State::Head:
    case State::Body:
      if (now < deadline_) return Tick::Nothing;
      if (state_ == State::Head && used_ == in_.size()) {
        close_now();  // nothing of a request came: nobody to answer (nginx does the same)
        return Tick::IdleClosed;
      }
      refuse(
          {408, "request_timeout",
           state_ == State::Head ? "the request head did not arrive within http.header_timeout_ms"
                                 : "the request body did not arrive within http.request_timeout_ms",
           state_ == State::Head ? "headers" : "body"},
          state_ == State::Head ? std::string() : request_.method);
      return Tick::TimedOut;
    case State::Closing:
      if (now >= deadline_) close_now();
      return Tick::Nothing;
    case State::Busy:
      return Tick::Nothing;
  }
  return Tick::Nothing;
}

}  // namespace agent_host::http_server
