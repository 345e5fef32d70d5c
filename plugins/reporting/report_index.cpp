#include "report_index.hpp"

namespace reporting {
namespace {

using nlohmann::json;

const char* const kColumns =
    "id, period, range_from, range_to, created_at, created_ms, outcome, trigger, "
    "summary_status, sizes";

ReportRecord from_row(const json& row) {
  ReportRecord r;
  r.id = row.at("id").get<std::string>();
  r.period = row.at("period").get<std::string>();
  r.from = row.at("range_from").get<std::string>();
  r.to = row.at("range_to").get<std::string>();
  r.created_at = row.at("created_at").get<std::string>();
  r.created_ms = row.at("created_ms").get<int64_t>();
  r.outcome = row.at("outcome").get<std::string>();
  r.trigger = row.at("trigger").get<std::string>();
  r.summary_status = row.at("summary_status").get<std::string>();
  r.sizes = json::parse(row.at("sizes").get<std::string>());
  return r;
}

json optional_param(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}
json optional_param(const std::optional<int64_t>& value) {
  return value ? json(*value) : json(nullptr);
}

}  // namespace

std::vector<std::string> ReportRecord::formats() const {
  std::vector<std::string> names;
  for (const auto& [name, size] : sizes.items()) names.push_back(name);
  return names;
}

json ReportRecord::to_json(const std::string& prefix) const {
  const std::string location = prefix + "/reports/" + id;
  json links = json::object();
  for (const std::string& format : formats()) links[format] = location + "?format=" + format;
  return {{"id", id},
          {"period", period},
          {"from", from},
          {"to", to},
          {"created_at", created_at},
          {"outcome", outcome},
          {"trigger", trigger},
          {"summary_status", summary_status},
          {"formats", formats()},
          {"sizes", sizes},
          {"location", location},
          {"links", links}};
}

ReportIndex::ReportIndex(agent_host::Sql& sql) : sql_(sql) {
  // SQLite's texts were released first and stay unchanged; PostgreSQL's
  // differs in the 64-bit time column. Migration 2 keeps the rendered
  // documents in the database, so every replica serves every report.
  sql_.migrate({
      {"CREATE TABLE reports ("
       "  id TEXT PRIMARY KEY,"
       "  period TEXT NOT NULL,"
       "  range_from TEXT NOT NULL,"
       "  range_to TEXT NOT NULL,"
       "  created_at TEXT NOT NULL,"
       "  created_ms INTEGER NOT NULL,"
       "  outcome TEXT NOT NULL,"
       "  trigger TEXT NOT NULL,"
       "  summary_status TEXT NOT NULL,"
       "  sizes TEXT NOT NULL)",
       "CREATE TABLE reports (id TEXT PRIMARY KEY, period TEXT NOT NULL,"
       " range_from TEXT NOT NULL, range_to TEXT NOT NULL, created_at TEXT NOT NULL,"
       " created_ms BIGINT NOT NULL, outcome TEXT NOT NULL, trigger TEXT NOT NULL,"
       " summary_status TEXT NOT NULL, sizes TEXT NOT NULL)"},
      "CREATE INDEX reports_by_created ON reports (created_ms, id)",
      "CREATE TABLE report_documents (report_id TEXT NOT NULL, format TEXT NOT NULL,"
      " body TEXT NOT NULL, PRIMARY KEY (report_id, format))",
  });
}

void ReportIndex::insert(const ReportRecord& r,
                         const std::map<std::string, std::string>& documents) {
  const std::string insert_report = std::string("INSERT INTO reports (") + kColumns +
                                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
  const json report = json::array({r.id, r.period, r.from, r.to, r.created_at, r.created_ms,
                                   r.outcome, r.trigger, r.summary_status, r.sizes.dump()});
  sql_.transaction([&](agent_host::Transaction& tx) {
    tx.query(insert_report, report);
    for (const auto& [format, body] : documents)
      tx.query("INSERT INTO report_documents (report_id, format, body) VALUES ($1, $2, $3)",
               json::array({r.id, format, body}));
  });
}

std::optional<std::string> ReportIndex::document(const std::string& id,
                                                 const std::string& format) {
  const json rows = sql_.query(
      "SELECT body FROM report_documents WHERE report_id = $1 AND format = $2", {id, format});
  if (rows.empty()) return std::nullopt;
  return rows[0].at("body").get<std::string>();
}

std::optional<ReportRecord> ReportIndex::find(const std::string& id) {
  const json rows =
      sql_.query(std::string("SELECT ") + kColumns + " FROM reports WHERE id = $1", {id});
  if (rows.empty()) return std::nullopt;
  return from_row(rows[0]);
}

ListPage ReportIndex::list(const ListFilter& f) {
  // One statement for every filter combination: an absent filter binds NULL.
  const json rows = sql_.query(
      std::string("SELECT ") + kColumns +
          " FROM reports"
          // CAST: PostgreSQL must know a parameter's type, and IS NULL says nothing.
          " WHERE (CAST($1 AS TEXT) IS NULL OR period = $1)"
          "   AND (CAST($2 AS TEXT) IS NULL OR outcome = $2)"
          "   AND (CAST($3 AS BIGINT) IS NULL OR created_ms >= $3)"
          "   AND (CAST($4 AS BIGINT) IS NULL OR created_ms < $4)"
          "   AND (CAST($5 AS BIGINT) IS NULL OR created_ms < $5 OR (created_ms = $5 AND id < $6))"
          " ORDER BY created_ms DESC, id DESC LIMIT $7",
      json::array({optional_param(f.period), optional_param(f.outcome), optional_param(f.since_ms),
                   optional_param(f.until_ms), f.after ? json(f.after->first) : json(nullptr),
                   f.after ? json(f.after->second) : json(nullptr), f.limit + 1}));
  ListPage page;
  for (const json& row : rows) page.items.push_back(from_row(row));
  if (static_cast<int>(page.items.size()) > f.limit) {
    page.items.resize(static_cast<size_t>(f.limit));
    page.next_cursor = encode_cursor(page.items.back().created_ms, page.items.back().id);
  }
  return page;
}

bool ReportIndex::remove(const std::string& id) {
  bool removed = false;
  sql_.transaction([&](agent_host::Transaction& tx) {
    tx.query("DELETE FROM report_documents WHERE report_id = $1", {id});
    removed = !tx.query("DELETE FROM reports WHERE id = $1 RETURNING id", {id}).empty();
  });
  return removed;
}

std::vector<ReportRecord> ReportIndex::created_before(int64_t ms, int limit) {
  const json rows = sql_.query(std::string("SELECT ") + kColumns +
                                   " FROM reports WHERE created_ms < $1"
                                   " ORDER BY created_ms, id LIMIT $2",
                               json::array({ms, limit}));
  std::vector<ReportRecord> records;
  for (const json& row : rows) records.push_back(from_row(row));
  return records;
}

std::string encode_cursor(int64_t created_ms, const std::string& id) {
  return std::to_string(created_ms) + "." + id;
}

std::optional<std::pair<int64_t, std::string>> decode_cursor(const std::string& cursor) {
  const auto dot = cursor.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 >= cursor.size()) return std::nullopt;
  int64_t ms = 0;
  for (size_t i = 0; i < dot; ++i) {
    if (cursor[i] < '0' || cursor[i] > '9' || ms > (INT64_MAX - 9) / 10) return std::nullopt;
    ms = ms * 10 + (cursor[i] - '0');
  }
  return std::make_pair(ms, cursor.substr(dot + 1));
}

}  // namespace reporting
