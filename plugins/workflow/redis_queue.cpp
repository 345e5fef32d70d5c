#include "redis_queue.hpp"

#include "clock.hpp"

namespace workflow {

namespace {

using redis::Script;
using redis::Value;

const Script& move_due_script() {
  static const Script script(R"(
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(due) do
  local gates = redis.call('HGET', ARGV[3] .. id, 'gates') or '[]'
  if redis.call('HDEL', ARGV[3] .. id, 'reclaim') == 1 then
    redis.call('XADD', KEYS[2], '*', 'run', id, 'gates', gates, 'reclaimed', '1')
  else
    redis.call('XADD', KEYS[2], '*', 'run', id, 'gates', gates)
  end
  redis.call('ZREM', KEYS[1], id)
end
return #due
)");
  return script;
}

const Script& acquire_script() {
  static const Script script(R"(
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
  return 1
end
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
  return 1
end
return 0
)");
  return script;
}

// Lets one caller through every `period_ms` across threads.
bool due(std::atomic<int64_t>& last, int64_t period_ms) {
  const int64_t now = now_ms();
  int64_t previous = last.load();
  return now - previous >= period_ms && last.compare_exchange_strong(previous, now);
}

}  // namespace

RedisQueue::RedisQueue(redis::Pool& pool, const RedisConfig& config, std::string consumer)
    : pool_(pool),
      config_(config),
      consumer_(std::move(consumer)),
      delayed_key_(config.key_prefix + ":delayed"),
      run_prefix_(config.key_prefix + ":run:") {
  try {
    pool_.command({"XGROUP", "CREATE", config_.stream, config_.group, "0", "MKSTREAM"});
  } catch (const redis::RedisError& e) {
    if (std::string(e.what()).find("BUSYGROUP") == std::string::npos) throw;
  }
}

void RedisQueue::defer(const std::string& run_id, const nlohmann::json&, int64_t due_ms,
                       std::shared_ptr<RunRecord>, bool reclaimed) {
  // The gates travel in the run's hash, and so does the take-over mark; the
  // mover reads both from there.
  std::vector<std::vector<std::string>> commands;
  if (reclaimed) commands.push_back({"HSET", run_prefix_ + run_id, "reclaim", "1"});
  commands.push_back({"ZADD", delayed_key_, std::to_string(due_ms), run_id});
  for (const auto& reply : pool_.pipeline(commands))
    if (reply.type == Value::Type::error) throw redis::RedisError("Redis: " + reply.text);
}

std::vector<Lease> RedisQueue::leases_from(const Value& entries, bool reclaimed) {
  std::vector<Lease> out;
  for (const auto& entry : entries.elements) {
    if (entry.elements.size() < 2 || entry.elements[1].type != Value::Type::array) continue;
    Lease lease;
    lease.token = entry.elements[0].text;
    lease.reclaimed = reclaimed;
    const auto& fields = entry.elements[1].elements;
    for (size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i].text == "run") lease.run_id = fields[i + 1].text;
      if (fields[i].text == "reclaimed") lease.reclaimed = true;
      if (fields[i].text == "gates") {
        try {
          lease.gates = nlohmann::json::parse(fields[i + 1].text);
        } catch (const nlohmann::json::parse_error&) {
          lease.gates = nlohmann::json::array();
        }
      }
      // The record as created (first delivery of a new run): the worker claims it
      // in memory and its save checks that the run is still queued with fence 0.
      // A reclaimed delivery may be stale: that one is claimed from the store.
      if (fields[i].text == "doc" && !reclaimed) {
        try {
          auto run = std::make_shared<RunRecord>(
              RunRecord::from_storage(nlohmann::json::parse(fields[i + 1].text)));
          run->status = status::queued;
          run->fence = 0;
          lease.run = std::move(run);
        } catch (const nlohmann::json::exception&) {
          lease.run = nullptr;
        }
      }
    }
    if (lease.run && lease.run->id != lease.run_id) lease.run = nullptr;
    if (lease.run_id.empty()) continue;
    out.push_back(std::move(lease));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& lease : out) in_flight_.insert(lease.token);
  return out;
}

std::vector<Lease> RedisQueue::reclaim(size_t max) {
  std::string cursor;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    cursor = reclaim_cursor_;
  }
  Value reply =
      pool_.command({"XAUTOCLAIM", config_.stream, config_.group, consumer_,
                     std::to_string(config_.claim_idle_ms), cursor, "COUNT", std::to_string(max)});
  if (reply.elements.size() < 2) return {};
  const std::string next_cursor = reply.elements[0].text;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    reclaim_cursor_ = next_cursor;
  }
  auto leases = leases_from(reply.elements[1], true);
  // A backlog (the deliveries of a killed process, several after repeated
  // kills) is taken over batch after batch, not one batch per period: at 4
  // runs per claim_idle_ms/4 a few dozen stale runs waited minutes. The
  // period resumes once a pass over the pending list ends with room to spare.
  if (next_cursor != "0-0" || leases.size() >= max) last_reclaim_ = 0;
  return leases;
}

void RedisQueue::move_due() {
  pool_.eval(move_due_script(), {delayed_key_, config_.stream},
             {std::to_string(now_ms()), "200", run_prefix_});
}

std::vector<Lease> RedisQueue::take(size_t max, std::chrono::milliseconds wait) {
  if (stopping_) return {};
  if (due(last_move_, 50)) move_due();
  if (due(last_reclaim_, std::max<int64_t>(100, config_.claim_idle_ms / 4))) {
    auto reclaimed = reclaim(max);
    if (!reclaimed.empty()) return reclaimed;
  }
  Value reply =
      pool_.command({"XREADGROUP", "GROUP", config_.group, consumer_, "COUNT", std::to_string(max),
                     "BLOCK", std::to_string(wait.count()), "STREAMS", config_.stream, ">"});
  if (reply.is_nil() || reply.elements.empty()) return {};
  const auto& stream = reply.elements[0];
  if (stream.elements.size() < 2) return {};
  return leases_from(stream.elements[1], false);
}

void RedisQueue::finish(const Lease& lease) {
  finish_batch({lease});
}

void RedisQueue::finish_batch(const std::vector<Lease>& leases) {
  std::vector<std::string> ack = {"XACK", config_.stream, config_.group};
  std::vector<std::string> del = {"XDEL", config_.stream};
  for (const auto& lease : leases) {
    if (lease.token.empty()) continue;
    ack.push_back(lease.token);
    del.push_back(lease.token);
  }
  if (del.size() == 2) return;
  pool_.pipeline({ack, del});
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& lease : leases) in_flight_.erase(lease.token);
}

int64_t RedisQueue::depth() {
  auto replies = pool_.pipeline({{"XLEN", config_.stream}, {"ZCARD", delayed_key_}});
  return replies[0].number() + replies[1].number();
}

void RedisQueue::maintain() {
  move_due();
  // Keep our pending deliveries fresh so no other replica takes them over.
  if (!due(last_heartbeat_, std::max<int64_t>(50, config_.claim_idle_ms / 3))) return;
  std::vector<std::string> ids;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ids.assign(in_flight_.begin(), in_flight_.end());
  }
  if (ids.empty()) return;
  std::vector<std::string> command = {"XCLAIM", config_.stream, config_.group, consumer_, "0"};
  command.insert(command.end(), ids.begin(), ids.end());
  command.push_back("JUSTID");
  pool_.command(command);
}

bool RedisGates::try_acquire(const std::string& key, int limit, const std::string& run_id) {
  const int64_t now = now_ms();
  Value reply = pool_.eval(acquire_script(), {gate_key(key)},
                           {std::to_string(now), std::to_string(now + config_.claim_idle_ms),
                            std::to_string(limit), run_id});
  if (reply.number() != 1) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  held_.insert({key, run_id});
  return true;
}

void RedisGates::release(const std::string& key, const std::string& run_id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = held_.find({key, run_id});
    if (it != held_.end()) held_.erase(it);
  }
  pool_.command({"ZREM", gate_key(key), run_id});
}

void RedisGates::refresh() {
  if (!due(last_refresh_, std::max<int64_t>(50, config_.claim_idle_ms / 3))) return;
  std::vector<std::vector<std::string>> commands;
  const std::string expiry = std::to_string(now_ms() + config_.claim_idle_ms);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [key, run_id] : held_)
      commands.push_back({"ZADD", gate_key(key), "XX", expiry, run_id});
  }
  if (!commands.empty()) pool_.pipeline(commands);
}

}  // namespace workflow
