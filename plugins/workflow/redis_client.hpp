// A small synchronous Redis client on hiredis: a pool of connections (hiredis
// contexts are not thread-safe), replies copied into plain values, Lua scripts
// run by SHA with a fallback to EVAL.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

struct redisContext;

namespace workflow::redis {

// Connection failures and error replies; the message says which.
class RedisError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Value {
  enum class Type { nil, string, integer, array, status, error } type = Type::nil;
  std::string text;  // string, status, error
  int64_t integer = 0;
  std::vector<Value> elements;

  bool is_nil() const { return type == Type::nil; }
  // A bulk string or integer as text ("" for nil).
  std::string str() const { return type == Type::integer ? std::to_string(integer) : text; }
  int64_t number() const;
};

struct Endpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string user, password;
  // Where the password came from, for the message when Redis refuses it.
  std::string password_from = "redis.url";
  int db = 0;

  std::string address() const { return host + ":" + std::to_string(port); }
};

// redis://[[user]:password@]host[:port][/db]; throws RedisError naming the problem.
Endpoint parse_url(const std::string& url);

class Connection {
 public:
  Connection(const Endpoint& endpoint, int64_t timeout_ms);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Value command(const std::vector<std::string>& args);
  std::vector<Value> pipeline(const std::vector<std::vector<std::string>>& commands);
  bool broken() const { return broken_; }

 private:
  void authenticate(const Endpoint& endpoint);

  redisContext* context_ = nullptr;
  bool broken_ = false;
};

struct Script {
  explicit Script(std::string source);
  std::string source;
  std::string sha;
};

class Pool {
 public:
  Pool(Endpoint endpoint, int64_t timeout_ms);

  class Handle {
   public:
    Handle(Pool& pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    ~Handle() { pool_.give_back(std::move(connection_)); }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    Connection* operator->() { return connection_.get(); }

   private:
    Pool& pool_;
    std::unique_ptr<Connection> connection_;
  };

  Handle acquire();
  Value command(const std::vector<std::string>& args);
  std::vector<Value> pipeline(const std::vector<std::vector<std::string>>& commands);
  Value eval(const Script& script, const std::vector<std::string>& keys,
             const std::vector<std::string>& args);

 private:
  void give_back(std::unique_ptr<Connection> connection);

  Endpoint endpoint_;
  int64_t timeout_ms_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace workflow::redis
