#include "generator.hpp"

#include <date/date.h>

#include <random>

#include "collector.hpp"
#include "llm_summary.hpp"
#include "renderers.hpp"
#include "report_files.hpp"
#include "report_model.hpp"
#include "templates.hpp"

namespace reporting {
namespace {

TimePoint now_ms() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now());
}

nlohmann::json skipped_summary() {
  return {{"status", "skipped"},
          {"text", nullptr},
          {"note", "No summary was requested for this report."},
          {"model", nullptr},
          {"latency_seconds", nullptr}};
}

}  // namespace

std::string new_report_id(TimePoint now) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(random() & 0xffffffffu));
  return date::format("%Y%m%dT%H%M%SZ", std::chrono::time_point_cast<std::chrono::seconds>(now)) +
         "-" + suffix;
}

ReportGenerator::ReportGenerator(agent_host::Host& host, ReportIndex& index,
                                 ReportingMetrics& metrics)
    : host_(host), index_(index), metrics_(metrics) {}

GeneratedReport ReportGenerator::generate(const ReportRequest& request, const Settings& settings) {
  const auto started = std::chrono::steady_clock::now();
  const std::string period = period_name(request.period);
  auto seconds = [&started] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  ReportMeta meta;
  meta.generated_at = now_ms();
  meta.id = new_report_id(meta.generated_at);
  meta.period = request.period;
  meta.time_zone = settings.time_zone;
  meta.window = request.window
                    ? *request.window
                    : calendar_window(request.period, request.reference, settings.time_zone);
  meta.previous =
      previous_windows(request.period, meta.window, settings.time_zone, settings.trend_periods - 1);
  try {
    const PeerClient peers(host_,
                           RetryPolicy{settings.peer_retries, settings.peer_retry_backoff_ms,
                                       settings.peer_timeout_ms},
                           [this](const std::string& agent) { metrics_.peer_error(agent); });
    nlohmann::json model = build_model(
        meta, gather(peers, meta.window, meta.previous, settings.list_limit, meta.generated_at));
    model["summary"] = request.summary ? summarize(host_, settings.summary, model,
                                                   [this](double s, const std::string& outcome) {
                                                     metrics_.llm_call(s, outcome);
                                                   })
                                       : skipped_summary();
    const auto documents =
        render_formats(load_templates(settings.templates_dir), model, settings.formats);

    ReportRecord record;
    record.id = meta.id;
    record.period = period;
    record.from = format_rfc3339(meta.window.from);
    record.to = format_rfc3339(meta.window.to);
    record.created_at = format_rfc3339(meta.generated_at);
    record.created_ms = meta.generated_at.time_since_epoch().count();
    record.outcome = model_complete(model) ? "ok" : "partial";
    record.trigger = request.trigger;
    record.summary_status = model["summary"].value("status", "");
    for (const auto& [format, text] : documents) record.sizes[format] = text.size();
    index_.insert(record, documents);
    const double took = seconds();
    metrics_.generated(period, record.outcome, took);
    host_.info("report generated", {{"report_id", record.id},
                                    {"period", period},
                                    {"from", record.from},
                                    {"to", record.to},
                                    {"outcome", record.outcome},
                                    {"summary", record.summary_status},
                                    {"trigger", record.trigger},
                                    {"duration_seconds", took}});
    if (record.outcome != "ok")
      host_.warn("report is partial: a peer section is unavailable",
                 {{"report_id", record.id},
                  {"tasks_error", model["tasks"].value("error", nlohmann::json())},
                  {"workflows_error", model["workflows"].value("error", nlohmann::json())}});
    return GeneratedReport{std::move(record), std::move(model)};
  } catch (const std::exception& e) {
    metrics_.generated(period, "error", seconds());
    host_.error("report generation failed",
                {{"report_id", meta.id}, {"period", period}, {"error", e.what()}});
    throw;
  }
}

}  // namespace reporting
