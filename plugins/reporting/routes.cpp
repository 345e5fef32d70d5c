#include "routes.hpp"

#include <agent_host/json_schema.hpp>
#include <agent_host/list_params.hpp>
#include <set>

#include "formats.hpp"

namespace reporting {
namespace {

using agent_host::HttpError;
using agent_host::Request;
using agent_host::Response;
using nlohmann::json;

constexpr int kMaxListLimit = 100;
constexpr auto kMaxCustomRange = std::chrono::hours(24 * 366);

TimePoint now_ms() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(Clock::now());
}

// The SDK's rule for times clients send: RFC 3339 from 1970 to 9999.
TimePoint time_field(const json& value, const std::string& field) {
  return TimePoint(std::chrono::milliseconds(
      agent_host::require_time(value.get_ref<const std::string&>(), field)));
}

// `at` of a daily or weekly report: its window (the day or ISO week before,
// in any zone) must still start within the accepted times.
TimePoint reference_time(const json& value) {
  constexpr auto kEarliestAt = TimePoint(std::chrono::hours(24 * 14));  // 1970-01-15T00:00:00Z
  const TimePoint at = time_field(value, "at");
  if (at < kEarliestAt)
    throw HttpError::bad_request("at",
                                 "at must be 1970-01-15T00:00:00Z or later: the report "
                                 "covers the day or week before it");
  return at;
}

void reject_unknown_query(const Request& request, const std::set<std::string>& known) {
  agent_host::ListParams(request, {known.begin(), known.end()});
}

ListFilter parse_list_query(const Request& request) {
  const agent_host::ListParams params(request,
                                      {"period", "outcome", "since", "until", "limit", "cursor"});
  ListFilter filter;
  if (auto period = params.one("period", {"daily", "weekly", "custom"})) filter.period = *period;
  if (auto outcome = params.one("outcome", {"ok", "partial"})) filter.outcome = *outcome;
  if (auto since = params.time("since")) filter.since_ms = *since;
  if (auto until = params.time("until")) filter.until_ms = *until;
  filter.limit = static_cast<int>(params.limit(filter.limit, kMaxListLimit));
  if (auto cursor = params.cursor()) {
    filter.after = decode_cursor(*cursor);
    if (!filter.after) throw agent_host::ListParams::bad_cursor();
  }
  return filter;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& n : names) text += (text.empty() ? "" : ", ") + n;
  return text;
}

HttpError not_acceptable(const ReportRecord& record, const std::string& asked) {
  std::vector<std::string> types;
  for (const std::string& name : record.formats())
    types.push_back(format_named(name)->content_type);
  return HttpError(406, "not_acceptable",
                   "report " + record.id + " has no document matching " + asked +
                       "; stored formats: " + joined(record.formats()) +
                       " (use ?format=<name> or an Accept header of " + joined(types) + ")",
                   "format", json{{"available", record.formats()}});
}

Response get_report(ReportService& service, const Request& request) {
  reject_unknown_query(request, {"format"});
  const std::string id = request.param("id");
  const auto record = service.find(id);
  if (!record) throw HttpError::not_found("report " + id);
  std::optional<Format> format;
  if (auto name = request.query("format")) {
    format = format_named(*name);
    if (!format)
      throw HttpError::bad_request("format", "format must be one of markdown, html, json, csv");
    const auto stored = record->formats();
    if (std::find(stored.begin(), stored.end(), format->name) == stored.end())
      throw not_acceptable(*record, "format=" + *name);
  } else {
    const std::string accept = std::string(request.header("accept").value_or(""));
    format = negotiate(accept, record->formats());
    if (!format) throw not_acceptable(*record, "Accept: " + accept);
  }
  auto text = service.document(*record, format->name);
  // Deleted since it was found (another request, another replica): gone as a whole.
  if (!text && !service.find(id)) throw HttpError::not_found("report " + id);
  if (!text)
    throw HttpError(410, "gone",
                    "the " + format->name + " file of report " + id +
                        " is missing from the reports volume; generate the report again");
  Response response = Response::text(std::move(*text), 200, format->content_type);
  response.header("vary", "Accept");
  response.header("content-disposition",
                  "inline; filename=\"report-" + id + "." + format->extension + "\"");
  return response;
}

json created_answer(ReportService& service, const GeneratedReport& report) {
  json answer = report.record.to_json(service.prefix());
  answer["tasks_available"] = report.model["tasks"].value("available", false);
  answer["workflows_available"] = report.model["workflows"].value("available", false);
  answer["summary_note"] = report.model["summary"].value("note", json());
  return answer;
}

}  // namespace

namespace {

// The body POST /reports documents; the route checks bodies against it.
json report_request_schema() {
  const auto time = [](const char* what) {
    return json{{"type", "string"},
                {"format", "date-time"},
                {"description", std::string(what) + ", an RFC 3339 time"}};
  };
  return {
      {"type", "object"},
      {"additionalProperties", false},
      {"properties",
       {{"period",
         {{"type", "string"},
          {"enum", {"daily", "weekly", "custom"}},
          {"description", "daily or weekly; custom (or no period) with from and to"}}},
        {"from", time("start of a custom range")},
        {"to", time("end of a custom range, at most 366 days after from")},
        {"at", time("a daily or weekly report covers the day or week before this; default now")},
        {"summary", {{"type", "boolean"}, {"description", "ask the LLM for a summary"}}}}}};
}

}  // namespace

ReportRequest parse_report_request(const json& body, TimePoint now) {
  // Times are parsed below by the SDK's rule, so "format" stays an annotation.
  static const agent_host::JsonSchema kSchema(report_request_schema(),
                                              agent_host::JsonSchema::Formats::annotations);
  kSchema.require(body);
  ReportRequest request;
  request.reference = now;
  const bool has_range = body.contains("from") || body.contains("to");
  std::string period = has_range ? "custom" : "";
  if (body.contains("period")) period = body["period"].get<std::string>();
  if (period.empty())
    throw HttpError::bad_request("period",
                                 "give period (daily or weekly) or a range with from and to");
  if (period == "daily")
    request.period = PeriodKind::daily;
  else if (period == "weekly")
    request.period = PeriodKind::weekly;
  else
    request.period = PeriodKind::custom;

  if (request.period == PeriodKind::custom) {
    if (!body.contains("from")) throw HttpError::bad_request("from", "a custom range needs from");
    if (!body.contains("to")) throw HttpError::bad_request("to", "a custom range needs to");
    if (body.contains("at"))
      throw HttpError::bad_request(
          "at", "at applies to daily and weekly reports; a range uses from and to");
    const TimePoint from = time_field(body["from"], "from");
    const TimePoint to = time_field(body["to"], "to");
    if (to <= from) throw HttpError::bad_request("to", "to must be later than from");
    if (to - from > kMaxCustomRange)
      throw HttpError::bad_request("to", "a range may span at most 366 days");
    request.window = Window{from, to};
  } else {
    if (has_range)
      throw HttpError::bad_request(
          body.contains("from") ? "from" : "to",
          "from/to define a custom range; leave out period or set it to custom");
    if (body.contains("at")) request.reference = reference_time(body["at"]);
  }
  if (body.contains("summary")) request.summary = body["summary"].get<bool>();
  return request;
}

namespace {

struct ReportSchemas {
  json request;  // POST /reports
  json record;   // one stored report
  json created;  // the answer to POST /reports
};

ReportSchemas report_schemas() {
  ReportSchemas schemas;
  schemas.request = report_request_schema();
  const json text = {{"type", "string"}};
  schemas.record = {
      {"type", "object"},
      {"required", {"id", "period", "from", "to", "created_at", "outcome", "formats", "location"}},
      {"properties",
       {{"id", text},
        {"period", {{"enum", {"daily", "weekly", "custom"}}}},
        {"from", agent_host::param_schema::time()},
        {"to", agent_host::param_schema::time()},
        {"created_at", agent_host::param_schema::time()},
        {"outcome", {{"enum", {"ok", "partial"}}}},
        {"trigger", text},
        {"summary_status", text},
        {"formats",
         {{"type", "array"}, {"items", {{"enum", {"markdown", "html", "json", "csv"}}}}}},
        {"sizes", {{"type", "object"}, {"additionalProperties", {{"type", "integer"}}}}},
        {"location", text},
        {"links", {{"type", "object"}, {"additionalProperties", text}}}}}};
  schemas.created = schemas.record;
  schemas.created["properties"]["tasks_available"] = {{"type", "boolean"}};
  schemas.created["properties"]["workflows_available"] = {{"type", "boolean"}};
  schemas.created["properties"]["summary_note"] = {{"type", {"string", "null"}}};
  return schemas;
}

void add_create_route(agent_host::Host& host, ReportService& service,
                      const ReportSchemas& schemas) {
  host.route("POST", "/reports",
             agent_host::RouteDoc{"Generate a report now: {\"period\":\"daily\"|\"weekly\"} or "
                                  "{\"from\",\"to\"}; answers its id and location",
                                  schemas.request}
                 .id("createReport")
                 .responds(201, "Generated; Location names it", schemas.created)
                 .responds(400, "An invalid period, range or field")
                 .responds(415, "The body is not JSON"),
             [&service](const Request& request) {
               const ReportRequest parsed = parse_report_request(request.json_body(), now_ms());
               GeneratedReport report = service.generate(parsed);
               Response response = Response::json(created_answer(service, report), 201);
               response.header("location", service.prefix() + "/reports/" + report.record.id);
               return response;
             });
}

void add_list_route(agent_host::Host& host, ReportService& service, const ReportSchemas& schemas) {
  const json when = agent_host::param_schema::time();
  host.route("GET", "/reports",
             agent_host::RouteDoc{"List stored reports, newest first (period, outcome, since, "
                                  "until, limit, cursor)"}
                 .id("listReports")
                 .query("period", {{"enum", {"daily", "weekly", "custom"}}}, "Only this period")
                 .query("outcome", {{"enum", {"ok", "partial"}}}, "Only this outcome")
                 .query("since", when, "Created at or after")
                 .query("until", when, "Created before")
                 .query("limit", agent_host::param_schema::limit(ListFilter{}.limit, kMaxListLimit),
                        "Page size")
                 .query("cursor", {{"type", "string"}, {"minLength", 1}},
                        "next_cursor of the previous page")
                 .responds(200, "One page of reports",
                           {{"type", "object"},
                            {"required", {"items", "next_cursor"}},
                            {"properties",
                             {{"items", {{"type", "array"}, {"items", schemas.record}}},
                              {"next_cursor", {{"type", {"string", "null"}}}}}}})
                 .responds(400, "An invalid or unknown query parameter (field names it)"),
             [&service](const Request& request) {
               const ListPage page = service.list(parse_list_query(request));
               json items = json::array();
               for (const ReportRecord& r : page.items)
                 items.push_back(r.to_json(service.prefix()));
               return Response::json(
                   {{"items", items},
                    {"next_cursor", page.next_cursor ? json(*page.next_cursor) : json(nullptr)}});
             });
}

void add_get_route(agent_host::Host& host, ReportService& service) {
  host.route("GET", "/reports/{id}",
             agent_host::RouteDoc{"One report as HTML, Markdown, JSON or CSV (Accept header or "
                                  "?format=html|markdown|json|csv)"}
                 .id("getReport")
                 .query("format", {{"enum", {"markdown", "html", "json", "csv"}}},
                        "This stored format (else the Accept header chooses)")
                 .describe("Without format, the Accept header chooses among the stored formats.")
                 .responds(200, "The report document", {{"type", "string"}}, "text/markdown")
                 .responds(200, "The report document", {{"type", "string"}}, "text/html")
                 .responds(200, "The report document", {{"type", "object"}}, "application/json")
                 .responds(200, "The report document", {{"type", "string"}}, "text/csv")
                 .responds(400, "An invalid format or an unknown query parameter")
                 .responds(404, "No such report")
                 .responds(406, "No stored format matches (available lists them)")
                 .responds(410, "The report's file is missing from the reports volume"),
             [&service](const Request& request) { return get_report(service, request); });
}

void add_delete_route(agent_host::Host& host, ReportService& service) {
  host.route("DELETE", "/reports/{id}",
             agent_host::RouteDoc{"Delete a report and its files"}
                 .id("deleteReport")
                 .responds(204, "Deleted")
                 .responds(404, "No such report"),
             [&service](const Request& request) {
               const std::string id = request.param("id");
               if (!service.remove(id)) throw HttpError::not_found("report " + id);
               return Response::no_content();
             });
}

}  // namespace

void register_routes(agent_host::Host& host, ReportService& service) {
  const ReportSchemas schemas = report_schemas();
  add_create_route(host, service, schemas);
  add_list_route(host, service, schemas);
  add_get_route(host, service);
  add_delete_route(host, service);
}

}  // namespace reporting
