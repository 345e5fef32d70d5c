#include "raw_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace agent_host::test {
namespace {

using Clock = std::chrono::steady_clock;

std::string lower(std::string text) {
  for (auto& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

// Cuts complete answers off the front of `pending`.
void take_answers(std::string& pending, bool head_request, Clock::time_point last_send,
                  std::vector<RawAnswer>& answers) {
  while (true) {
    const size_t end = pending.find("\r\n\r\n");
    if (end == std::string::npos || pending.compare(0, 5, "HTTP/") != 0) return;
    RawAnswer answer;
    answer.head = pending.substr(0, end + 2);
    answer.status = std::atoi(answer.head.c_str() + 9);
    size_t length = 0;
    const std::string declared = answer.header("content-length");
    if (!declared.empty() && answer.status >= 200 && !head_request)
      length = static_cast<size_t>(std::stoull(declared));
    if (pending.size() < end + 4 + length) return;
    answer.body = pending.substr(end + 4, length);
    answer.after_last_send =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - last_send);
    pending.erase(0, end + 4 + length);
    answers.push_back(std::move(answer));
  }
}

int connect_loopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

std::string RawAnswer::header(const std::string& lower_name) const {
  const std::string lowered = lower(head);
  const size_t at = lowered.find("\r\n" + lower_name + ":");
  if (at == std::string::npos) return {};
  size_t start = at + 3 + lower_name.size();
  while (start < head.size() && head[start] == ' ') ++start;
  return head.substr(start, head.find("\r\n", start) - start);
}

RawOutcome raw_http(int port, const RawExchange& exchange) {
  RawOutcome outcome;
  const int fd = connect_loopback(port);
  if (fd < 0) return outcome;
  outcome.connected = true;
  std::string pending;
  auto last_activity = Clock::now();
  auto last_send = last_activity;
  // Reads what is there within `wait`; false once the stream ended.
  const auto read_some = [&](std::chrono::milliseconds wait) {
    pollfd ready{fd, POLLIN, 0};
    if (poll(&ready, 1, static_cast<int>(wait.count())) <= 0) return true;
    char buffer[65536];
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) {
      outcome.closed = true;
      return false;
    }
    outcome.bytes.append(buffer, static_cast<size_t>(n));
    pending.append(buffer, static_cast<size_t>(n));
    take_answers(pending, exchange.head_request, last_send, outcome.answers);
    last_activity = Clock::now();
    return true;
  };
  for (const auto& segment : exchange.segments) {
    const auto until = Clock::now() + segment.pause_before;
    while (!outcome.closed && Clock::now() < until)
      read_some(std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()));
    if (outcome.closed) break;
    if (send(fd, segment.bytes.data(), segment.bytes.size(), MSG_NOSIGNAL) < 0) break;
    last_send = last_activity = Clock::now();
  }
  if (exchange.half_close) shutdown(fd, SHUT_WR);
  while (!outcome.closed) {
    const auto quiet_for = Clock::now() - last_activity;
    if (quiet_for >= exchange.quiet) break;
    read_some(std::chrono::duration_cast<std::chrono::milliseconds>(exchange.quiet - quiet_for));
  }
  outcome.unparsed = pending;
  close(fd);
  return outcome;
}

RawOutcome raw_http(int port, const std::string& bytes, std::chrono::milliseconds quiet) {
  RawExchange exchange;
  exchange.segments.push_back({bytes, {}});
  exchange.quiet = quiet;
  return raw_http(port, exchange);
}

}  // namespace agent_host::test
