// The index of stored reports in the plugin's SQL store: one row per report
// with its period, window, creation time, formats and file sizes.
#pragma once

#include <agent_host/sdk.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace reporting {

struct ReportRecord {
  std::string id;
  std::string period;  // daily, weekly, custom
  std::string from;    // RFC 3339
  std::string to;
  std::string created_at;  // RFC 3339
  int64_t created_ms = 0;
  std::string outcome;  // ok, partial
  std::string trigger;  // api, schedule
  std::string summary_status;
  nlohmann::json sizes = nlohmann::json::object();  // format → bytes

  std::vector<std::string> formats() const;
  // The JSON shape the API answers with; `prefix` is the plugin's route prefix.
  nlohmann::json to_json(const std::string& prefix) const;
};

struct ListFilter {
  std::optional<std::string> period;
  std::optional<std::string> outcome;
  std::optional<int64_t> since_ms;                       // created at or after
  std::optional<int64_t> until_ms;                       // created before
  std::optional<std::pair<int64_t, std::string>> after;  // cursor position
  int limit = 20;
};

struct ListPage {
  std::vector<ReportRecord> items;
  std::optional<std::string> next_cursor;
};

class ReportIndex {
 public:
  // Applies the migrations.
  explicit ReportIndex(agent_host::Sql& sql);

  // The record and its rendered documents (format -> text), in one transaction.
  void insert(const ReportRecord& record, const std::map<std::string, std::string>& documents);
  // A stored document; nullopt when absent (reports stored as files before
  // documents moved into the database have none).
  std::optional<std::string> document(const std::string& id, const std::string& format);
  std::optional<ReportRecord> find(const std::string& id);
  // Newest first.
  ListPage list(const ListFilter& filter);
  // True when a row was deleted; its documents go with it.
  bool remove(const std::string& id);
  // Oldest first, at most `limit`.
  std::vector<ReportRecord> created_before(int64_t ms, int limit);

 private:
  agent_host::Sql& sql_;
};

// Cursor text for a list position, and back; nullopt when malformed.
std::string encode_cursor(int64_t created_ms, const std::string& id);
std::optional<std::pair<int64_t, std::string>> decode_cursor(const std::string& cursor);

}  // namespace reporting
