#include "redis_client.hpp"

#include <hiredis.h>
#include <sys/time.h>

#include "crypto.hpp"

namespace workflow::redis {

namespace {

Value convert(const redisReply* reply) {
  Value value;
  switch (reply->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      value.type = reply->type == REDIS_REPLY_STRING   ? Value::Type::string
                   : reply->type == REDIS_REPLY_STATUS ? Value::Type::status
                                                       : Value::Type::error;
      value.text.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_INTEGER:
      value.type = Value::Type::integer;
      value.integer = reply->integer;
      break;
    case REDIS_REPLY_ARRAY:
      value.type = Value::Type::array;
      for (size_t i = 0; i < reply->elements; ++i)
        value.elements.push_back(convert(reply->element[i]));
      break;
    default:
      break;
  }
  return value;
}

timeval to_timeval(int64_t ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000);
  return tv;
}

void append(redisContext* context, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const auto& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  redisAppendCommandArgv(context, static_cast<int>(args.size()), argv.data(), lengths.data());
}

}  // namespace

int64_t Value::number() const {
  if (type == Type::integer) return integer;
  try {
    return text.empty() ? 0 : std::stoll(text);
  } catch (const std::exception&) {
    return 0;
  }
}

Endpoint parse_url(const std::string& url) {
  const std::string scheme = "redis://";
  if (url.rfind(scheme, 0) != 0)
    throw RedisError("redis.url must look like redis://host:6379[/db], got \"" + url + "\"");
  Endpoint endpoint;
  std::string rest = url.substr(scheme.size());
  const size_t at = rest.rfind('@');
  if (at != std::string::npos) {
    const std::string credentials = rest.substr(0, at);
    const size_t colon = credentials.find(':');
    if (colon == std::string::npos) {
      endpoint.password = credentials;
    } else {
      endpoint.user = credentials.substr(0, colon);
      endpoint.password = credentials.substr(colon + 1);
    }
    rest = rest.substr(at + 1);
  }
  const size_t slash = rest.find('/');
  if (slash != std::string::npos) {
    const std::string db = rest.substr(slash + 1);
    if (!db.empty()) {
      try {
        endpoint.db = std::stoi(db);
      } catch (const std::exception&) {
        throw RedisError("redis.url: database '" + db + "' is not a number");
      }
    }
    rest = rest.substr(0, slash);
  }
  const size_t colon = rest.rfind(':');
  if (colon != std::string::npos) {
    try {
      endpoint.port = std::stoi(rest.substr(colon + 1));
    } catch (const std::exception&) {
      throw RedisError("redis.url: port '" + rest.substr(colon + 1) + "' is not a number");
    }
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) throw RedisError("redis.url has no host: \"" + url + "\"");
  endpoint.host = rest;
  return endpoint;
}

Connection::Connection(const Endpoint& endpoint, int64_t timeout_ms) {
  context_ = redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, to_timeval(timeout_ms));
  if (!context_ || context_->err) {
    const std::string reason = context_ ? context_->errstr : "out of memory";
    if (context_) redisFree(context_);
    context_ = nullptr;
    throw RedisError("cannot connect to Redis at " + endpoint.address() + ": " + reason);
  }
  redisSetTimeout(context_, to_timeval(timeout_ms));
  try {
    authenticate(endpoint);
    if (endpoint.db != 0) command({"SELECT", std::to_string(endpoint.db)});
  } catch (...) {
    redisFree(context_);  // the destructor does not run for a throwing constructor
    context_ = nullptr;
    throw;
  }
}

// Every connection of the pool (a new one after Redis restarts too) logs in
// before its first command.
void Connection::authenticate(const Endpoint& endpoint) {
  if (endpoint.password.empty()) return;
  try {
    if (endpoint.user.empty())
      command({"AUTH", endpoint.password});
    else
      command({"AUTH", endpoint.user, endpoint.password});
  } catch (const RedisError& e) {
    if (broken_) throw;
    throw RedisError("Redis at " + endpoint.address() + " refused the password of " +
                     endpoint.password_from + " (" + e.what() +
                     "); make it the password Redis runs with (--requirepass)");
  }
}

Connection::~Connection() {
  if (context_) redisFree(context_);
}

Value Connection::command(const std::vector<std::string>& args) {
  auto replies = pipeline({args});
  return std::move(replies[0]);
}

std::vector<Value> Connection::pipeline(const std::vector<std::vector<std::string>>& commands) {
  if (broken_) throw RedisError("Redis connection is broken");
  for (const auto& args : commands) append(context_, args);
  std::vector<Value> out;
  out.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || !raw) {
      broken_ = true;
      throw RedisError(std::string("Redis connection failed: ") +
                       (context_->errstr[0] ? context_->errstr : "no reply"));
    }
    auto* reply = static_cast<redisReply*>(raw);
    out.push_back(convert(reply));
    freeReplyObject(reply);
  }
  // An error reply on a single command is the caller's failure; in a pipeline
  // the caller inspects each reply.
  if (commands.size() == 1 && out[0].type == Value::Type::error)
    throw RedisError("Redis: " + out[0].text);
  return out;
}

Script::Script(std::string text) : source(std::move(text)), sha(crypto::sha1_hex(source)) {}

Pool::Pool(Endpoint endpoint, int64_t timeout_ms)
    : endpoint_(std::move(endpoint)), timeout_ms_(timeout_ms) {}

Pool::Handle Pool::acquire() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return Handle(*this, std::move(connection));
    }
  }
  return Handle(*this, std::make_unique<Connection>(endpoint_, timeout_ms_));
}

void Pool::give_back(std::unique_ptr<Connection> connection) {
  if (!connection || connection->broken()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(connection));
}

Value Pool::command(const std::vector<std::string>& args) {
  return acquire()->command(args);
}

std::vector<Value> Pool::pipeline(const std::vector<std::vector<std::string>>& commands) {
  return acquire()->pipeline(commands);
}

Value Pool::eval(const Script& script, const std::vector<std::string>& keys,
                 const std::vector<std::string>& args) {
  std::vector<std::string> command = {"EVALSHA", script.sha, std::to_string(keys.size())};
  command.insert(command.end(), keys.begin(), keys.end());
  command.insert(command.end(), args.begin(), args.end());
  auto connection = acquire();
  try {
    return connection->command(command);
  } catch (const RedisError& e) {
    if (std::string(e.what()).find("NOSCRIPT") == std::string::npos) throw;
  }
  command[0] = "EVAL";
  command[1] = script.source;
  return connection->command(command);
}

}  // namespace workflow::redis
