// Definitions by name and version: validates uploads, stores them, and caches
// the parsed form of every version (versions never change once stored).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "definition.hpp"
#include "store.hpp"

namespace workflow {

// An upload with problems; `problems` lists every one with its path.
class InvalidDefinition : public std::runtime_error {
 public:
  explicit InvalidDefinition(Problems problems);
  const Problems& problems() const { return problems_; }

 private:
  Problems problems_;
};

using DefinitionPtr = std::shared_ptr<const Definition>;

struct Registered {
  DefinitionPtr definition;
  bool created = false;
};

class Registry {
 public:
  Registry(Store& store, ScheduleRules rules) : store_(store), rules_(std::move(rules)) {}

  // Validates and stores; throws InvalidDefinition or StoreConflict.
  Registered put(const json& document);
  // A stored version (deleted workflows keep theirs); nullptr when absent.
  DefinitionPtr get(const std::string& name, int version);
  // The newest version of a workflow that is not deleted; nullptr when none.
  DefinitionPtr latest(const std::string& name);
  // Like latest(), but from the cache even for a shared store, where the
  // caller must have the store confirm the version (StartRequest::require_latest)
  // and call forget_latest() when it was stale.
  DefinitionPtr latest_cached(const std::string& name);
  void forget_latest(const std::string& name);
  // The newest version of every workflow (cached until the store's revision moves).
  std::vector<DefinitionPtr> all_latest();
  bool remove(const std::string& name);

 private:
  DefinitionPtr remember(const StoredDefinition& stored);
  // From the cache when `cache` (and it holds the name), else from the store
  // (and then cached when `cache`).
  DefinitionPtr lookup_latest(const std::string& name, bool cache);

  Store& store_;
  ScheduleRules rules_;
  std::mutex mutex_;
  std::map<std::pair<std::string, int>, DefinitionPtr> versions_;
  // Newest version by name, kept only when the store is process-local (every
  // change goes through put/remove here); other replicas may change a shared store.
  std::map<std::string, int> latest_;
  uint64_t changes_ = 0;  // bumped by put/remove: a read that raced one is not cached
  int64_t listed_revision_ = -1;
  std::vector<DefinitionPtr> listed_;
};

}  // namespace workflow
