#include "report_service.hpp"

namespace reporting {

ReportService::ReportService(agent_host::Host& host, Settings settings)
    : host_(host),
      prefix_(host.environment().value("prefix", std::string("/reporting"))),
      settings_(std::make_shared<const Settings>(std::move(settings))),
      metrics_(host),
      index_(host.sql()),
      generator_(host, index_, metrics_) {}

void ReportService::apply(Settings settings) {
  std::lock_guard<std::mutex> lock(settings_mutex_);
  settings_ = std::make_shared<const Settings>(std::move(settings));
}

std::shared_ptr<const Settings> ReportService::settings() const {
  std::lock_guard<std::mutex> lock(settings_mutex_);
  return settings_;
}

GeneratedReport ReportService::generate(const ReportRequest& request) {
  return generator_.generate(request, *settings());
}

std::optional<ReportRecord> ReportService::find(const std::string& id) {
  if (!valid_report_id(id)) return std::nullopt;
  return index_.find(id);
}

std::optional<std::string> ReportService::document(const ReportRecord& record,
                                                   const std::string& format) {
  if (auto stored = index_.document(record.id, format)) return stored;
  // Reports generated before documents moved into the database.
  return ReportFiles(settings()->reports_dir).read(record.id, format);
}

bool ReportService::remove(const std::string& id) {
  if (!valid_report_id(id) || !index_.remove(id)) return false;
  ReportFiles(settings()->reports_dir).remove(id);
  return true;
}

int ReportService::expire(TimePoint now) {
  const auto current = settings();
  const int64_t cutoff =
      (now - std::chrono::hours(24) * current->retention_days).time_since_epoch().count();
  int removed = 0;
  for (;;) {
    const auto batch = index_.created_before(cutoff, 200);
    for (const ReportRecord& record : batch)
      if (remove(record.id)) ++removed;
    if (batch.size() < 200) break;
  }
  if (removed > 0) {
    metrics_.expired(removed);
    host_.info("expired reports deleted",
               {{"count", removed}, {"retention_days", current->retention_days}});
  }
  return removed;
}

}  // namespace reporting
