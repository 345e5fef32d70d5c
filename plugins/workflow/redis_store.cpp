#include "redis_store.hpp"

#include <algorithm>
#include <map>

#include "stats.hpp"

namespace workflow {

namespace {

using redis::Script;
using redis::Value;

// The fields read back for a run, in this order.
const std::vector<std::string> kRunFields = {"doc",   "status",     "fence",
                                             "owner", "started_at", "finished_at"};

const Script& create_script() {
  static const Script script(R"(
if ARGV[11] ~= '' then
  local head = redis.call('HMGET', KEYS[7], 'latest', 'deleted')
  if head[1] ~= ARGV[11] or head[2] == '1' then return {-1, '', ''} end
end
if ARGV[10] == '1' then
  local existing = redis.call('GET', KEYS[5])
  if existing then
    local sep = string.find(existing, '|', 1, true)
    return {0, string.sub(existing, 1, sep - 1), string.sub(existing, sep + 1)}
  end
  redis.call('SET', KEYS[5], ARGV[1] .. '|' .. ARGV[7], 'PX', ARGV[8])
end
redis.call('HSET', KEYS[1], 'doc', ARGV[2], 'status', ARGV[4], 'fence', '0', 'owner', '',
           'workflow', ARGV[3], 'created_at', ARGV[5], 'started_at', '0', 'finished_at', '0',
           'trigger_key', ARGV[6], 'gates', ARGV[9], 'duration_ms', '', 'failed_step', '')
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[1])
redis.call('XADD', KEYS[6], '*', 'run', ARGV[1], 'gates', ARGV[9], 'doc', ARGV[2])
return {1, ARGV[1], ARGV[7]}
)");
  return script;
}

const Script& claim_script() {
  static const Script script(R"(
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return false end
if not (st == 'queued' or st == 'waiting' or (ARGV[3] == '1' and st == 'running')) then return false end
redis.call('HINCRBY', KEYS[1], 'fence', 1)
if tonumber(redis.call('HGET', KEYS[1], 'started_at')) == 0 then
  redis.call('HSET', KEYS[1], 'started_at', ARGV[2])
end
redis.call('HSET', KEYS[1], 'status', 'running', 'owner', ARGV[1])
return redis.call('HMGET', KEYS[1], 'doc', 'status', 'fence', 'owner', 'started_at', 'finished_at')
)");
  return script;
}

// Saves ARGV[1] runs; run i has KEYS[2i+1] (its hash), KEYS[2i+2] (its
// active set) and 12 arguments: the fence and status it must still have, the
// fence to write, status, doc, finished_at, duration_ms, failed_step, owner,
// started_at, id and whether it is final. Answers 1/0 per run.
constexpr size_t kSaveArgs = 12;
const Script& save_script() {
  static const Script script(R"(
local out = {}
for i = 0, tonumber(ARGV[1]) - 1 do
  local a = 2 + i * 12
  local k = 1 + i * 2
  local cur = redis.call('HMGET', KEYS[k], 'fence', 'status')
  if cur[1] == ARGV[a] and cur[2] == ARGV[a + 1] then
    redis.call('HSET', KEYS[k], 'fence', ARGV[a + 2], 'status', ARGV[a + 3], 'doc', ARGV[a + 4],
               'finished_at', ARGV[a + 5], 'duration_ms', ARGV[a + 6], 'failed_step', ARGV[a + 7],
               'owner', ARGV[a + 8], 'started_at', ARGV[a + 9])
    if ARGV[a + 11] == '1' then redis.call('SREM', KEYS[k + 1], ARGV[a + 10]) end
    out[i + 1] = 1
  else
    out[i + 1] = 0
  end
end
return out
)");
  return script;
}

const Script& cancel_script() {
  static const Script script(R"(
local cur = redis.call('HMGET', KEYS[1], 'status', 'started_at', 'workflow', 'trigger_key')
if not cur[1] then return {0, ''} end
if cur[1] == 'queued' or cur[1] == 'running' or cur[1] == 'waiting' then
  local started = tonumber(cur[2]) or 0
  local duration = ''
  if started > 0 then duration = tostring(tonumber(ARGV[1]) - started) end
  redis.call('HSET', KEYS[1], 'status', 'cancelled', 'finished_at', ARGV[1], 'duration_ms', duration)
  redis.call('SREM', ARGV[3] .. cur[3] .. ':' .. cur[4], ARGV[2])
  return {1, 'cancelled'}
end
return {2, cur[1]}
)");
  return script;
}

const Script& put_definition_script() {
  static const Script script(R"(
local latest = tonumber(redis.call('HGET', KEYS[1], 'latest') or '0')
local deleted = redis.call('HGET', KEYS[1], 'deleted') == '1'
local probe = latest
if ARGV[2] ~= '' then probe = tonumber(ARGV[2]) end
local existing = redis.call('HGET', KEYS[1], 'h:' .. probe)
if existing then
  if existing == ARGV[3] and not deleted then return {0, probe} end
  if ARGV[2] ~= '' then return {-1, latest} end
end
local target = latest + 1
if ARGV[2] ~= '' then target = tonumber(ARGV[2]) end
if target <= latest then return {-2, latest} end
redis.call('HSET', KEYS[1], 'v:' .. target, ARGV[4], 'h:' .. target, ARGV[3], 'latest', target, 'deleted', '0')
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('INCR', KEYS[3])
return {1, target}
)");
  return script;
}

const Script& delete_definition_script() {
  static const Script script(R"(
if not redis.call('HGET', KEYS[1], 'latest') or redis.call('HGET', KEYS[1], 'deleted') == '1' then return 0 end
redis.call('HSET', KEYS[1], 'deleted', '1')
redis.call('INCR', KEYS[2])
return 1
)");
  return script;
}

StoredDefinition stored_from(const std::string& name, int version, const std::string& value,
                             const std::string& hash) {
  const json parsed = json::parse(value);
  return StoredDefinition{name, version, parsed.at("document"), hash,
                          parsed.value("created_at", int64_t{0})};
}

}  // namespace

RedisStore::RedisStore(redis::Pool& pool, const RedisConfig& config)
    : pool_(pool), config_(config), prefix_(config.key_prefix) {}

PutResult RedisStore::put_definition(const std::string& name, std::optional<int> version,
                                     const json& document, const std::string& hash, int64_t now) {
  const std::string value = json{{"document", document}, {"created_at", now}}.dump();
  Value reply = pool_.eval(put_definition_script(),
                           {definition_key(name), prefix_ + ":defs", prefix_ + ":defs:rev"},
                           {name, version ? std::to_string(*version) : "", hash, value});
  const int64_t outcome = reply.elements.at(0).number();
  const int number = static_cast<int>(reply.elements.at(1).number());
  if (outcome == -1)
    throw StoreConflict("version " + std::to_string(*version) + " of '" + name +
                        "' already exists with other content; use version " +
                        std::to_string(number + 1) + " or omit version");
  if (outcome == -2)
    throw StoreConflict("version " + std::to_string(version.value_or(0)) + " of '" + name +
                        "' is not above the latest stored version " + std::to_string(number) +
                        "; use " + std::to_string(number + 1) + " or omit version");
  if (outcome == 0) {
    auto existing = definition(name, number);
    if (!existing) throw StoreConflict("definition '" + name + "' changed concurrently; retry");
    return PutResult{*existing, false};
  }
  return PutResult{StoredDefinition{name, number, document, hash, now}, true};
}

std::optional<StoredDefinition> RedisStore::definition(const std::string& name, int version) {
  const std::string v = std::to_string(version);
  Value reply = pool_.command({"HMGET", definition_key(name), "v:" + v, "h:" + v});
  if (reply.elements.size() < 2 || reply.elements[0].is_nil()) return std::nullopt;
  return stored_from(name, version, reply.elements[0].text, reply.elements[1].text);
}

std::optional<int> RedisStore::latest_version(const std::string& name) {
  Value reply = pool_.command({"HMGET", definition_key(name), "latest", "deleted"});
  if (reply.elements.size() < 2 || reply.elements[0].is_nil() || reply.elements[1].text == "1")
    return std::nullopt;
  return static_cast<int>(reply.elements[0].number());
}

std::vector<StoredDefinition> RedisStore::latest_definitions() {
  Value names = pool_.command({"SMEMBERS", prefix_ + ":defs"});
  std::vector<std::string> list;
  for (const auto& n : names.elements) list.push_back(n.text);
  std::sort(list.begin(), list.end());
  std::vector<std::vector<std::string>> heads;
  for (const auto& name : list)
    heads.push_back({"HMGET", definition_key(name), "latest", "deleted"});
  std::vector<StoredDefinition> out;
  if (heads.empty()) return out;
  auto replies = pool_.pipeline(heads);
  std::vector<std::vector<std::string>> bodies;
  std::vector<std::pair<std::string, int>> wanted;
  for (size_t i = 0; i < list.size(); ++i) {
    const auto& fields = replies[i].elements;
    if (fields.size() < 2 || fields[0].is_nil() || fields[1].text == "1") continue;
    const std::string v = fields[0].str();
    wanted.emplace_back(list[i], static_cast<int>(fields[0].number()));
    bodies.push_back({"HMGET", definition_key(list[i]), "v:" + v, "h:" + v});
  }
  if (bodies.empty()) return out;
  auto values = pool_.pipeline(bodies);
  for (size_t i = 0; i < wanted.size(); ++i) {
    const auto& fields = values[i].elements;
    if (fields.size() < 2 || fields[0].is_nil()) continue;
    out.push_back(stored_from(wanted[i].first, wanted[i].second, fields[0].text, fields[1].text));
  }
  return out;
}

bool RedisStore::delete_definition(const std::string& name) {
  return pool_.eval(delete_definition_script(), {definition_key(name), prefix_ + ":defs:rev"}, {})
             .number() == 1;
}

int64_t RedisStore::definitions_revision() {
  return pool_.command({"GET", prefix_ + ":defs:rev"}).number();
}

CreateOutcome RedisStore::create_run(const RunRecord& run, const std::string& request_hash,
                                     int64_t idempotency_ttl_ms, bool require_latest) {
  const bool keyed = !run.idempotency_key.empty();
  Value reply = pool_.eval(
      create_script(),
      {run_key(run.id), prefix_ + ":index:runs", prefix_ + ":index:workflow:" + run.workflow,
       active_key(run.workflow, run.trigger_key),
       keyed ? prefix_ + ":idem:" + run.workflow + ":" + run.idempotency_key : prefix_ + ":idem:-",
       config_.stream, definition_key(run.workflow)},
      {run.id, run.doc_text(), run.workflow, run.status, std::to_string(run.created_at),
       run.trigger_key, request_hash, std::to_string(idempotency_ttl_ms), run.gates.dump(),
       keyed ? "1" : "0", require_latest ? std::to_string(run.version) : std::string()});
  CreateOutcome outcome;
  if (reply.elements.at(0).number() == -1) {
    outcome.created = false;
    outcome.stale_definition = true;
    return outcome;
  }
  outcome.created = reply.elements.at(0).number() == 1;
  outcome.run_id = reply.elements.at(1).text;
  outcome.same_request = reply.elements.at(2).text == request_hash;
  return outcome;
}

std::optional<RunRecord> RedisStore::from_fields(const redis::Value& fields) const {
  const auto& f = fields.elements;
  if (f.size() < kRunFields.size() || f[0].is_nil()) return std::nullopt;
  RunRecord run = RunRecord::from_storage(json::parse(f[0].text));
  run.status = f[1].text;
  run.fence = f[2].number();
  run.owner = f[3].text;
  run.started_at = f[4].number();
  run.finished_at = f[5].number();
  return run;
}

std::optional<RunRecord> RedisStore::run(const std::string& id) {
  std::vector<std::string> command = {"HMGET", run_key(id)};
  command.insert(command.end(), kRunFields.begin(), kRunFields.end());
  return from_fields(pool_.command(command));
}

std::optional<std::string> RedisStore::run_status(const std::string& id) {
  Value reply = pool_.command({"HGET", run_key(id), "status"});
  if (reply.is_nil()) return std::nullopt;
  return reply.text;
}

std::optional<RunRecord> RedisStore::claim(const std::string& id, const std::string& owner,
                                           bool reclaim, int64_t now) {
  Value reply =
      pool_.eval(claim_script(), {run_key(id)}, {owner, std::to_string(now), reclaim ? "1" : "0"});
  if (reply.is_nil()) return std::nullopt;
  return from_fields(reply);
}

bool RedisStore::save(RunRecord& run) {
  return save_batch({&run})[0];
}

std::vector<bool> RedisStore::save_batch(const std::vector<RunRecord*>& runs) {
  std::vector<bool> written(runs.size(), false);
  if (runs.empty()) return written;
  std::vector<std::string> keys, args;
  keys.reserve(runs.size() * 2);
  args.reserve(1 + runs.size() * kSaveArgs);
  args.push_back(std::to_string(runs.size()));
  for (const RunRecord* run : runs) {
    const bool claim = !run->claimed_from.empty();
    keys.push_back(run_key(run->id));
    keys.push_back(active_key(run->workflow, run->trigger_key));
    args.push_back(std::to_string(run->fence));
    args.push_back(claim ? run->claimed_from : std::string(status::running));
    args.push_back(std::to_string(run->fence + (claim ? 1 : 0)));
    args.push_back(run->status);
    args.push_back(run->doc_text());
    args.push_back(std::to_string(run->finished_at));
    args.push_back(run->finished_at && run->started_at ? std::to_string(run->duration_ms()) : "");
    args.push_back(run->failed_step);
    args.push_back(run->owner);
    args.push_back(std::to_string(run->started_at));
    args.push_back(run->id);
    args.push_back(status::is_terminal(run->status) ? "1" : "0");
  }
  // One script call (one round trip, atomic) for the whole batch.
  Value reply = pool_.eval(save_script(), keys, args);
  for (size_t i = 0; i < runs.size() && i < reply.elements.size(); ++i) {
    if (reply.elements[i].number() != 1) continue;
    written[i] = true;
    if (!runs[i]->claimed_from.empty()) {
      ++runs[i]->fence;
      runs[i]->claimed_from.clear();
    }
  }
  return written;
}

CancelOutcome RedisStore::cancel(const std::string& id, int64_t now) {
  Value reply =
      pool_.eval(cancel_script(), {run_key(id)}, {std::to_string(now), id, prefix_ + ":active:"});
  const int64_t code = reply.elements.at(0).number();
  if (code == 0) return CancelOutcome{};
  return CancelOutcome{true, code == 1, reply.elements.at(1).text};
}

RunPage RedisStore::list_runs(const RunFilter& filter) {
  const std::string index = filter.workflow.empty()
                                ? prefix_ + ":index:runs"
                                : prefix_ + ":index:workflow:" + filter.workflow;
  const int64_t upper = std::min(filter.created_to - 1, filter.cursor_created);
  const std::string max = std::to_string(upper);
  const std::string min = std::to_string(filter.created_from);
  const size_t batch = std::max<size_t>(filter.limit * 2, 100);
  const size_t scan_limit = 20000;  // bounded work per page with a selective status filter
  RunPage page;
  size_t offset = 0;
  while (page.items.size() <= filter.limit && offset < scan_limit) {
    Value ids = pool_.command({"ZREVRANGEBYSCORE", index, max, min, "WITHSCORES", "LIMIT",
                               std::to_string(offset), std::to_string(batch)});
    const auto& e = ids.elements;
    if (e.empty()) break;
    offset += e.size() / 2;
    std::vector<std::vector<std::string>> reads;
    for (size_t i = 0; i + 1 < e.size(); i += 2) {
      const std::string& id = e[i].text;
      if (e[i + 1].number() == filter.cursor_created && !filter.cursor_id.empty() &&
          id >= filter.cursor_id)
        continue;
      std::vector<std::string> command = {"HMGET", run_key(id)};
      command.insert(command.end(), kRunFields.begin(), kRunFields.end());
      reads.push_back(std::move(command));
    }
    if (!reads.empty()) {
      for (const auto& fields : pool_.pipeline(reads)) {
        auto run = from_fields(fields);
        if (!run) continue;
        if (!filter.statuses.empty() && std::find(filter.statuses.begin(), filter.statuses.end(),
                                                  run->status) == filter.statuses.end())
          continue;
        page.items.push_back(std::move(*run));
        if (page.items.size() > filter.limit) break;
      }
    }
    if (e.size() / 2 < batch) break;
  }
  if (page.items.size() > filter.limit) {
    page.items.resize(filter.limit);
    page.more = true;
  }
  return page;
}

json RedisStore::stats(int64_t from, int64_t to) {
  Value ids = pool_.command(
      {"ZRANGEBYSCORE", prefix_ + ":index:runs", std::to_string(from), "(" + std::to_string(to)});
  StatsParts parts;
  std::vector<int64_t> durations;
  std::map<std::string, std::pair<int64_t, int64_t>> per_workflow;  // failed, total
  std::map<std::pair<std::string, std::string>, int64_t> per_step;
  const size_t chunk = 1000;
  for (size_t start = 0; start < ids.elements.size(); start += chunk) {
    std::vector<std::vector<std::string>> reads;
    for (size_t i = start; i < std::min(ids.elements.size(), start + chunk); ++i)
      reads.push_back({"HMGET", run_key(ids.elements[i].text), "status", "workflow", "duration_ms",
                       "failed_step"});
    for (const auto& fields : pool_.pipeline(reads)) {
      const auto& f = fields.elements;
      if (f.size() < 4 || f[0].is_nil()) continue;
      const std::string& run_status = f[0].text;
      ++parts.by_status[run_status];
      auto& counts = per_workflow[f[1].text];
      ++counts.second;
      if (!f[2].text.empty()) durations.push_back(f[2].number());
      if (run_status == status::failed || run_status == status::timed_out) {
        ++counts.first;
        if (!f[3].text.empty()) ++per_step[{f[1].text, f[3].text}];
      }
    }
  }
  std::sort(durations.begin(), durations.end());
  if (!durations.empty()) {
    parts.p50_seconds = durations[percentile_rank(durations.size(), 0.5)] / 1000.0;
    parts.p95_seconds = durations[percentile_rank(durations.size(), 0.95)] / 1000.0;
  }
  for (const auto& [workflow, counts] : per_workflow)
    if (counts.first > 0)
      parts.failing_workflows.push_back({workflow, counts.first, counts.second});
  std::stable_sort(parts.failing_workflows.begin(), parts.failing_workflows.end(),
                   [](const auto& a, const auto& b) { return a.failed > b.failed; });
  if (parts.failing_workflows.size() > kTopFailing) parts.failing_workflows.resize(kTopFailing);
  for (const auto& [key, failed] : per_step)
    parts.failing_steps.push_back({key.first, key.second, failed});
  std::stable_sort(parts.failing_steps.begin(), parts.failing_steps.end(),
                   [](const auto& a, const auto& b) { return a.failed > b.failed; });
  if (parts.failing_steps.size() > kTopFailing) parts.failing_steps.resize(kTopFailing);
  return stats_answer(from, to, parts);
}

int64_t RedisStore::active_runs(const std::string& workflow, const std::string& trigger_key) {
  return pool_.command({"SCARD", active_key(workflow, trigger_key)}).number();
}

bool RedisStore::remember_once(const std::string& key, int64_t ttl_ms, int64_t) {
  Value reply =
      pool_.command({"SET", prefix_ + ":once:" + key, "1", "NX", "PX", std::to_string(ttl_ms)});
  return !reply.is_nil();
}

}  // namespace workflow
