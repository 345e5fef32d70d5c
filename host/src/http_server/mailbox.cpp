#include "http_server/mailbox.hpp"

namespace agent_host::http_server {

void Mailbox::post(std::shared_ptr<Connection> connection, runtime::HttpResponse response) {
  bool was_empty = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return;  // the connection and answer are released out here
    was_empty = letters_.empty();
    letters_.emplace_back(std::move(connection), std::move(response));
  }
  // One wake-up per batch: the network thread takes every letter at once.
  if (was_empty) notify_.notify();
}

std::vector<Mailbox::Letter> Mailbox::take() {
  while (notify_.tryRead()) {
  }
  std::vector<Letter> taken;
  std::lock_guard<std::mutex> lock(mutex_);
  taken.swap(letters_);
  return taken;
}

void Mailbox::close() {
  std::vector<Letter> dropped;
  std::lock_guard<std::mutex> lock(mutex_);
  closed_ = true;
  dropped.swap(letters_);
}

}  // namespace agent_host::http_server
