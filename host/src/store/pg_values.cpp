#include "store/pg_values.hpp"

#include <cstring>

#include "store/json_text.hpp"
#include "store/sql_params.hpp"

namespace agent_host::store {
namespace {

// Type OIDs from PostgreSQL's pg_type.dat (stable since 7.x).
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700,
              kFloat8 = 701, kNumeric = 1700;

Outcome invalid(std::string message) {
  return Outcome{AH_ERR_INVALID_ARGUMENT, std::move(message)};
}

Outcome add_param(SqlParam& value, std::size_t number, PgParams& params) {
  switch (value.kind) {
    case SqlParam::Kind::null:
      params.values.emplace_back(std::nullopt);
      params.types.push_back(0);
      return {};
    case SqlParam::Kind::integer:
      params.values.emplace_back(std::to_string(value.integer));
      params.types.push_back(kInt8);
      return {};
    case SqlParam::Kind::real:
      params.values.emplace_back(std::move(value.text));  // as the client wrote it
      params.types.push_back(kFloat8);
      return {};
    case SqlParam::Kind::text:
      if (value.text.find('\0') != std::string::npos) {
        return invalid("parameter $" + std::to_string(number) +
                       ": a NUL character cannot be stored in PostgreSQL text");
      }
      params.values.emplace_back(std::move(value.text));
      params.types.push_back(0);
      return {};
  }
  return {};
}

bool is_number_type(Oid type) {
  return type == kInt8 || type == kInt2 || type == kInt4 || type == kOid || type == kFloat4 ||
         type == kFloat8 || type == kNumeric;
}

void append_number_text(std::string& out, const char* text) {
  // NaN and the infinities are valid numbers in PostgreSQL, not in JSON.
  if (std::strcmp(text, "NaN") == 0 || std::strstr(text, "Infinity") != nullptr) {
    out += "null";
    return;
  }
  out += text;
}

void append_bytea(std::string& out, const char* text) {
  // The text form of bytea is "\x" then two hex digits per byte.
  std::vector<unsigned char> bytes;
  const std::size_t length = std::strlen(text);
  const auto hex = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (std::size_t i = 2; i + 1 < length; i += 2)
    bytes.push_back(static_cast<unsigned char>(hex(text[i]) * 16 + hex(text[i + 1])));
  append_base64_string(out, bytes.data(), bytes.size());
}

void append_value(std::string& out, const PGresult* result, int row, int column) {
  if (PQgetisnull(result, row, column) != 0) {
    out += "null";
    return;
  }
  const char* text = PQgetvalue(result, row, column);
  const Oid type = PQftype(result, column);
  if (is_number_type(type)) return append_number_text(out, text);
  if (type == kBool) {
    out += text[0] == 't' ? '1' : '0';
    return;
  }
  if (type == kBytea) return append_bytea(out, text);
  append_json_string(
      out, std::string_view(text, static_cast<std::size_t>(PQgetlength(result, row, column))));
}

ah_status status_for_sqlstate(std::string_view state) {
  if (state.size() != 5) return AH_ERR_UNAVAILABLE;  // no SQLSTATE: the connection failed
  const std::string_view group = state.substr(0, 2);
  if (group == "23") return AH_ERR_CONFLICT;
  if (state == "08P01") return AH_ERR_INVALID_ARGUMENT;  // e.g. wrong number of parameters
  if (group == "08" || group == "40" || group == "53" || group == "57" || group == "58" ||
      state == "55P03") {
    return AH_ERR_UNAVAILABLE;
  }
  if (group == "42" || group == "22" || group == "0A" || group == "2B" || group == "21" ||
      group == "26" || group == "34") {
    return AH_ERR_INVALID_ARGUMENT;
  }
  return AH_ERR_INTERNAL;
}

std::string field(const PGresult* result, int code) {
  const char* value = result != nullptr ? PQresultErrorField(result, code) : nullptr;
  return value != nullptr ? value : "";
}

}  // namespace

std::vector<const char*> PgParams::pointers() const {
  std::vector<const char*> out;
  out.reserve(values.size());
  for (const auto& value : values) out.push_back(value ? value->c_str() : nullptr);
  return out;
}

std::string PgParams::signature() const {
  std::string out;
  for (const Oid type : types) out += std::to_string(type) + ',';
  return out;
}

Outcome pg_params_from_json(std::string_view params_json, PgParams& params) {
  params = PgParams{};
  std::vector<SqlParam> values;
  Outcome read = read_sql_params(params_json, values);
  if (!read.ok()) return read;
  params.values.reserve(values.size());
  params.types.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    Outcome added = add_param(values[i], i + 1, params);
    if (!added.ok()) return added;
  }
  return {};
}

void append_pg_rows_json(const PGresult* result, std::string& out) {
  const int rows = PQntuples(result);
  const int columns = PQnfields(result);
  std::vector<std::string> keys(static_cast<std::size_t>(columns));
  for (int column = 0; column < columns; ++column) {
    append_json_string(keys[static_cast<std::size_t>(column)], PQfname(result, column));
    keys[static_cast<std::size_t>(column)] += ':';
  }
  out += '[';
  for (int row = 0; row < rows; ++row) {
    if (row > 0) out += ',';
    out += '{';
    for (int column = 0; column < columns; ++column) {
      if (column > 0) out += ',';
      out += keys[static_cast<std::size_t>(column)];
      append_value(out, result, row, column);
    }
    out += '}';
  }
  out += ']';
}

Outcome pg_failure(const PGresult* result, std::string_view what) {
  const std::string state = field(result, PG_DIAG_SQLSTATE);
  std::string message(what);
  message += ": ";
  std::string primary = field(result, PG_DIAG_MESSAGE_PRIMARY);
  if (primary.empty() && result != nullptr) primary = PQresultErrorMessage(result);
  while (!primary.empty() && (primary.back() == '\n' || primary.back() == ' ')) primary.pop_back();
  message += primary.empty() ? "the server closed the connection" : primary;
  if (!state.empty()) message += " (SQLSTATE " + state + ")";
  return Outcome{status_for_sqlstate(state), std::move(message)};
}

bool pg_farewell(const PGresult* result) {
  return field(result, PG_DIAG_SQLSTATE).rfind("57P", 0) == 0;
}

bool pg_retryable(const PGresult* result) {
  const std::string state = field(result, PG_DIAG_SQLSTATE);
  return state == "40001" || state == "40P01";
}

}  // namespace agent_host::store
