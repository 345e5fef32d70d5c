#include "list_query.hpp"

#include <agent_host/list_params.hpp>
#include <algorithm>

#include "cursor.hpp"
#include "task_store.hpp"
#include "validation.hpp"

namespace task_manager {
namespace {

using agent_host::HttpError;

// Tasks without a due time sort after every real one.
constexpr int64_t kNoDueTime = 253402300799999;  // 9999-12-31T23:59:59.999Z

std::string sort_expression(const std::string& sort) {
  if (sort == "due_at") return "COALESCE(due_at, " + std::to_string(kNoDueTime) + ")";
  return sort;  // created_at and updated_at are columns
}

// Escapes LIKE wildcards so `q` matches literally.
std::string like_pattern(const std::string& text) {
  std::string pattern = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  return pattern + "%";
}

class SqlBuilder {
 public:
  std::string placeholder(json value) {
    params_.push_back(std::move(value));
    return "$" + std::to_string(params_.size());
  }
  void where(const std::string& condition) {
    conditions_ += (conditions_.empty() ? " WHERE " : " AND ") + condition;
  }
  std::string in_list(const std::vector<std::string>& values) {
    std::string list;
    for (const auto& v : values) list += (list.empty() ? "" : ", ") + placeholder(v);
    return "(" + list + ")";
  }
  const std::string& conditions() const { return conditions_; }
  const json& params() const { return params_; }

 private:
  std::string conditions_;
  json params_ = json::array();
};

}  // namespace

ListQuery parse_list_query(const agent_host::Request& request) {
  const agent_host::ListParams params(
      request, {"status", "priority", "assignee", "tag", "due_before", "due_after", "updated_since",
                "created_before", "q", "sort", "limit", "cursor"});
  ListQuery query;
  query.statuses = params.enums("status", {std::begin(kStatuses), std::end(kStatuses)});
  query.priorities = params.enums("priority", {std::begin(kPriorities), std::end(kPriorities)});
  query.assignee = params.text("assignee", kMaxAssigneeBytes);
  query.tag = params.text("tag", kMaxTagBytes);
  query.title_contains = params.text("q", kMaxTitleBytes);
  query.due_before = params.time("due_before");
  query.due_after = params.time("due_after");
  query.updated_since = params.time("updated_since");
  query.created_before = params.time("created_before");
  if (auto sort = request.query("sort")) {
    std::string column = *sort;
    if (!column.empty() && column.front() == '-') {
      query.descending = true;
      column.erase(0, 1);
    }
    if (column != "created_at" && column != "updated_at" && column != "due_at")
      throw HttpError::bad_request("sort", "sort '" + *sort +
                                               "' is not one of created_at, updated_at, due_at "
                                               "(prefix '-' for descending)");
    query.sort = column;
  }
  query.limit = params.limit(query.limit, kMaxPageSize);
  if (auto cursor = params.cursor()) {
    const std::string expected_sort = (query.descending ? "-" : "") + query.sort;
    const auto decoded = decode_cursor(*cursor);
    if (!decoded) throw agent_host::ListParams::bad_cursor();
    if (decoded->sort != expected_sort)
      throw HttpError::bad_request("cursor", "cursor belongs to sort '" + decoded->sort +
                                                 "'; keep the same sort while paging");
    query.after = ListQuery::Position{decoded->key, decoded->id};
  }
  return query;
}

json list_tasks(agent_host::Sql& sql, const ListQuery& query) {
  SqlBuilder builder;
  if (!query.statuses.empty()) builder.where("status IN " + builder.in_list(query.statuses));
  if (!query.priorities.empty()) builder.where("priority IN " + builder.in_list(query.priorities));
  if (query.assignee) builder.where("assignee = " + builder.placeholder(*query.assignee));
  if (query.tag)
    builder.where("id IN (SELECT task_id FROM task_tags WHERE tag = " +
                  builder.placeholder(*query.tag) + ")");
  if (query.due_before) builder.where("due_at < " + builder.placeholder(*query.due_before));
  if (query.due_after) builder.where("due_at >= " + builder.placeholder(*query.due_after));
  if (query.updated_since)
    builder.where("updated_at >= " + builder.placeholder(*query.updated_since));
  if (query.created_before)
    builder.where("created_at < " + builder.placeholder(*query.created_before));
  if (query.title_contains)
    // lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
    builder.where("lower(title) LIKE lower(" +
                  builder.placeholder(like_pattern(*query.title_contains)) + ") ESCAPE '\\'");
  const std::string key = sort_expression(query.sort);
  if (query.after) {
    const std::string key_param = builder.placeholder(query.after->key);
    const std::string id_param = builder.placeholder(query.after->id);
    builder.where("(" + key + ", id) " + (query.descending ? "<" : ">") + " (" + key_param + ", " +
                  id_param + ")");
  }
  const std::string direction = query.descending ? " DESC" : "";
  const std::string limit = builder.placeholder(query.limit + 1);  // one extra: is there more?
  // Open tasks due before a time, by due time (the overdue list): the partial
  // index on open tasks' due_at reads only those rows. SQLite would pick the
  // status index by itself (every open task) since it cannot tell from bound
  // parameters that the statuses are open ones, hence the literal term.
  const bool open_due_only =
      query.sort == "due_at" && query.due_before && !query.statuses.empty() &&
      std::all_of(query.statuses.begin(), query.statuses.end(),
                  [](const std::string& status) { return is_open_status(status); });
  if (open_due_only) builder.where("status IN ('todo', 'in_progress', 'blocked')");
  const std::string sql_text =
      std::string("SELECT ") + store::kTaskColumns + ", " + key + " AS sort_key FROM " +
      (open_due_only ? store::open_due_tasks(sql) : "tasks") + builder.conditions() + " ORDER BY " +
      key + direction + ", id" + direction + " LIMIT " + limit;
  const json rows = sql.query(sql_text, builder.params());
  json items = json::array();
  const size_t count = std::min<size_t>(rows.size(), static_cast<size_t>(query.limit));
  for (size_t i = 0; i < count; ++i) items.push_back(to_json(task_from_row(rows[i])));
  json next_cursor = nullptr;
  if (rows.size() > count) {
    const json& last = rows[count - 1];
    next_cursor =
        encode_cursor({(query.descending ? "-" : "") + query.sort,
                       last.at("sort_key").get<int64_t>(), last.at("id").get<std::string>()});
  }
  return json{{"items", std::move(items)}, {"next_cursor", std::move(next_cursor)}};
}

}  // namespace task_manager
