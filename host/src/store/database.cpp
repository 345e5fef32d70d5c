#include "store/database.hpp"

#include "store/session.hpp"

namespace agent_host::store {

const char* to_string(Dialect dialect) {
  return dialect == Dialect::postgres ? "postgres" : "sqlite";
}

Outcome Transaction::query(std::string_view sql, std::string_view params_json,
                           std::string& rows_json) {
  return session_.execute(sql, params_json, rows_json);
}

Outcome Transaction::execute(std::string_view sql, std::string_view params_json) {
  Outcome outcome = session_.execute_write(sql, params_json);
  if (!outcome.ok() && failed_write_.ok()) failed_write_ = outcome;
  return outcome;
}

}  // namespace agent_host::store
