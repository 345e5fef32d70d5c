#include "registry.hpp"

#include "clock.hpp"

namespace workflow {

InvalidDefinition::InvalidDefinition(Problems problems)
    : std::runtime_error(std::to_string(problems.size()) +
                         " problem(s) in the workflow definition"),
      problems_(std::move(problems)) {}

DefinitionPtr Registry::remember(const StoredDefinition& stored) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = versions_.find({stored.name, stored.version});
    if (it != versions_.end()) return it->second;
  }
  Problems problems;
  auto parsed = parse_definition(stored.document, rules_, problems);
  if (!problems.empty())
    throw std::runtime_error(
        "stored definition " + stored.name + " v" + std::to_string(stored.version) +
        " no longer validates: " + problems.items()[0].path + ": " + problems.items()[0].message);
  parsed->version = stored.version;
  std::lock_guard<std::mutex> lock(mutex_);
  return versions_.emplace(std::make_pair(stored.name, stored.version), parsed).first->second;
}

Registered Registry::put(const json& document) {
  Problems problems;
  auto parsed = parse_definition(document, rules_, problems);
  if (!problems.empty()) throw InvalidDefinition(std::move(problems));
  auto result = store_.put_definition(parsed->name, parsed->version, document,
                                      document_hash(document), now_ms());
  {
    std::lock_guard<std::mutex> lock(mutex_);
    latest_.erase(parsed->name);
    ++changes_;
  }
  return Registered{remember(result.definition), result.created};
}

DefinitionPtr Registry::get(const std::string& name, int version) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = versions_.find({name, version});
    if (it != versions_.end()) return it->second;
  }
  auto stored = store_.definition(name, version);
  return stored ? remember(*stored) : nullptr;
}

DefinitionPtr Registry::latest_cached(const std::string& name) {
  return lookup_latest(name, true);
}

void Registry::forget_latest(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  latest_.erase(name);
  ++changes_;
}

DefinitionPtr Registry::latest(const std::string& name) {
  return lookup_latest(name, store_.process_local());
}

DefinitionPtr Registry::lookup_latest(const std::string& name, bool cache) {
  uint64_t changes = 0;
  if (cache) {
    std::lock_guard<std::mutex> lock(mutex_);
    changes = changes_;
    auto it = latest_.find(name);
    if (it != latest_.end()) {
      auto found = versions_.find({name, it->second});
      if (found != versions_.end()) return found->second;
    }
  }
  auto version = store_.latest_version(name);
  if (!version) return nullptr;
  DefinitionPtr definition = get(name, *version);
  if (cache && definition) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (changes == changes_) latest_[name] = *version;
  }
  return definition;
}

std::vector<DefinitionPtr> Registry::all_latest() {
  const int64_t revision = store_.definitions_revision();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (revision == listed_revision_) return listed_;
  }
  std::vector<DefinitionPtr> list;
  for (const auto& stored : store_.latest_definitions()) list.push_back(remember(stored));
  std::lock_guard<std::mutex> lock(mutex_);
  listed_revision_ = revision;
  listed_ = list;
  return list;
}

bool Registry::remove(const std::string& name) {
  const bool removed = store_.delete_definition(name);
  std::lock_guard<std::mutex> lock(mutex_);
  latest_.erase(name);
  ++changes_;
  return removed;
}

}  // namespace workflow
