#pragma once

#include <libpq-fe.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/outcome.hpp"

namespace agent_host::store {

// A statement's parameters in libpq's text format. Integers and bools (as 1
// or 0) are typed int8 and reals float8 so that arithmetic on them is 64-bit,
// as on SQLite; strings and nulls are left for the server to type from the
// statement.
struct PgParams {
  std::vector<std::optional<std::string>> values;
  std::vector<Oid> types;
  std::vector<const char*> pointers() const;
  // The types as text: statements are prepared once per (SQL, types).
  std::string signature() const;
};

// Reads `params_json`, a JSON array of null, bool, number or string (empty
// text means none).
Outcome pg_params_from_json(std::string_view params_json, PgParams& params);

// Appends the result's rows as a JSON array of objects keyed by column name:
// integers, reals and numerics as numbers (NaN and infinities as null), bools
// as 1 or 0 like SQLite's, bytea as base64 strings, everything else as text.
void append_pg_rows_json(const PGresult* result, std::string& out);

// An Outcome for a failed result: its SQLSTATE mapped to an ABI status and a
// message made of `what`, the server's message and the SQLSTATE.
Outcome pg_failure(const PGresult* result, std::string_view what);

// Whether a SQLSTATE says another transaction made this one fail (a
// serialization failure or a deadlock): running it again may succeed.
// The server's farewell: it ends the session (SQLSTATE class 57P, operator
// intervention: a shutdown or pg_terminate_backend). libpq's own errors for a
// lost connection carry no SQLSTATE, so they never match.
bool pg_farewell(const PGresult* result);
bool pg_retryable(const PGresult* result);

}  // namespace agent_host::store
