// The reporting agent's operations, independent of HTTP: generate, list, read,
// delete and expire reports under the current settings.
#pragma once

#include <agent_host/sdk.hpp>
#include <memory>
#include <mutex>

#include "generator.hpp"
#include "report_files.hpp"
#include "report_index.hpp"

namespace reporting {

class ReportService {
 public:
  ReportService(agent_host::Host& host, Settings settings);

  // Swaps in new settings (already checked by read_settings).
  void apply(Settings settings);
  std::shared_ptr<const Settings> settings() const;

  GeneratedReport generate(const ReportRequest& request);
  ListPage list(const ListFilter& filter) { return index_.list(filter); }
  std::optional<ReportRecord> find(const std::string& id);
  // The stored document of `format`; nullopt when the file is gone.
  std::optional<std::string> document(const ReportRecord& record, const std::string& format);
  // Index row first, then files: a crash in between leaves only stray files.
  bool remove(const std::string& id);
  // Deletes reports older than retention_days before `now`; returns how many.
  int expire(TimePoint now);

  const std::string& prefix() const { return prefix_; }

 private:
  agent_host::Host& host_;
  std::string prefix_;
  mutable std::mutex settings_mutex_;
  std::shared_ptr<const Settings> settings_;
  ReportingMetrics metrics_;
  ReportIndex index_;
  ReportGenerator generator_;
};

}  // namespace reporting
