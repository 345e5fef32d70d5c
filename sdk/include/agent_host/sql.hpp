// agent_host/sql.hpp — the plugin's own database: migrations, autocommit
// statements, and transactions that the host batches (blocking or queued).
#ifndef AGENT_HOST_SQL_HPP
#define AGENT_HOST_SQL_HPP

#include <agent_host/detail/c_bridge.hpp>
#include <agent_host/error.hpp>
#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace agent_host {

// Statements inside one transaction; see Sql::transaction.
class Transaction {
 public:
  // Runs one statement with $1.. parameters; returns the rows (array of objects).
  nlohmann::json query(std::string_view sql,
                       const nlohmann::json& params = nlohmann::json::array()) {
    detail::StringSink rows, error;
    const std::string params_text = params.dump();
    ah_status status = api_->sql_tx_query(tx_, detail::view(sql), detail::view(params_text),
                                          rows.get(), error.get());
    if (status != AH_OK) throw Error(detail::status_of(status), error.text());
    return rows.text().empty() ? nlohmann::json::array() : nlohmann::json::parse(rows.text());
  }
  // A write whose parameters are already JSON text (a JSON array, or empty
  // for none); rows are discarded. Lets a plugin render its statements before
  // the transaction, off the thread that commits. The host need not wait for
  // its answer (on PostgreSQL it goes with the next query or the COMMIT), so
  // a failure may be thrown by a later call or fail the transaction after
  // the body returned: do not catch it to carry on.
  void execute(std::string_view sql, std::string_view params_json) {
    detail::StringSink error;
    ah_status status =
        api_->sql_tx_query(tx_, detail::view(sql), detail::view(params_json), nullptr, error.get());
    if (status != AH_OK) throw Error(detail::status_of(status), error.text());
  }

 private:
  friend class Sql;
  Transaction(const ah_host_api* api, ah_sql_tx* tx) : api_(api), tx_(tx) {}
  const ah_host_api* api_;
  ah_sql_tx* tx_;
};

// The engine behind a plugin's database (see sql_dialect in abi.h).
enum class SqlDialect { sqlite, postgres };

// One schema migration. Most are portable SQL (one text, used as it is on
// both engines); where DDL differs (triggers, identity columns) give one text
// per engine. Keep each text unchanged once released: the host refuses a
// database whose applied migration no longer matches its text.
struct Migration {
  Migration(std::string portable_sql) : sqlite(portable_sql), postgres(std::move(portable_sql)) {}
  Migration(const char* portable_sql) : Migration(std::string(portable_sql)) {}
  Migration(std::string sqlite_sql, std::string postgres_sql)
      : sqlite(std::move(sqlite_sql)), postgres(std::move(postgres_sql)) {}
  std::string sqlite;
  std::string postgres;
};

// The plugin's own database: a SQLite file by default, or the plugin's schema
// in PostgreSQL when the host is configured so (every replica then shares it).
// Write portable SQL: $1-style parameters, ON CONFLICT upserts, RETURNING,
// COALESCE, ids made by the plugin, times as integer milliseconds in BIGINT
// columns; see docs/plugin-guide.md, "Portable SQL".
class Sql {
 public:
  // Applies migrations in order, each once per database, in the text of this
  // database's dialect. Call from the constructor.
  void migrate(const std::vector<Migration>& migrations) {
    const bool postgres = dialect() == SqlDialect::postgres;
    nlohmann::json texts = nlohmann::json::array();
    for (const auto& migration : migrations)
      texts.push_back(postgres ? migration.postgres : migration.sqlite);
    detail::StringSink error;
    const std::string text = texts.dump();
    ah_status status = api_->sql_migrate(host_, detail::view(text), error.get());
    if (status != AH_OK) throw Error(detail::status_of(status), error.text());
  }
  // A list of portable texts kept in a std::vector<std::string> (a template,
  // so that a braced list always means the Migration overload).
  template <typename Text, std::enable_if_t<std::is_same_v<Text, std::string>, int> = 0>
  void migrate(const std::vector<Text>& migrations) {
    migrate(std::vector<Migration>(migrations.begin(), migrations.end()));
  }

  SqlDialect dialect() const {
    detail::StringSink out;
    ah_status status = api_->sql_dialect(host_, out.get());
    if (status != AH_OK) throw Error(detail::status_of(status), out.text());
    return out.text() == "postgres" ? SqlDialect::postgres : SqlDialect::sqlite;
  }

  // One autocommit statement; returns the rows.
  nlohmann::json query(std::string_view sql,
                       const nlohmann::json& params = nlohmann::json::array()) {
    detail::StringSink rows, error;
    const std::string params_text = params.dump();
    ah_status status = api_->sql_query(host_, detail::view(sql), detail::view(params_text),
                                       rows.get(), error.get());
    if (status != AH_OK) throw Error(detail::status_of(status), error.text());
    return rows.text().empty() ? nlohmann::json::array() : nlohmann::json::parse(rows.text());
  }

  // Runs `body` in one transaction: it commits when `body` returns, rolls back
  // when it throws (the exception is rethrown here, HttpError included). The
  // host may run `body` on another thread, batched with other transactions.
  template <typename Body>
  void transaction(Body&& body) {
    struct Context {
      const ah_host_api* api;
      Body* body;
      std::exception_ptr thrown;
    } context{api_, &body, nullptr};
    auto trampoline = [](void* user, ah_sql_tx* tx, ah_sink* error) -> ah_status {
      auto* ctx = static_cast<Context*>(user);
      return run_body(ctx->api, tx, *ctx->body, ctx->thrown, error);
    };
    detail::StringSink error;
    ah_status status = api_->sql_transaction(host_, trampoline, &context, error.get());
    if (context.thrown) std::rethrow_exception(context.thrown);
    if (status != AH_OK) throw Error(detail::status_of(status), error.text());
  }

  // The same without waiting: queues `body` and returns at once. Once the
  // transaction has committed or rolled back, `done(std::exception_ptr)` is
  // called with null (committed, durable) or the failure: what `body` threw,
  // or an Error from the store. `body` runs on the host's writer thread and
  // may run more than once (a batch can be retried without it), so it must
  // not consume its captures. `done` runs on the writer thread too: it must
  // not block (answer a DeferredResponse, count, wake a worker). Both may be
  // move-only; both are destroyed after `done` returns.
  template <typename Body, typename Done>
  void transaction_async(Body body, Done done) {
    struct Context {
      const ah_host_api* api;
      Body body;
      Done done;
      std::exception_ptr thrown;
    };
    auto context = std::make_unique<Context>(Context{api_, std::move(body), std::move(done), {}});
    auto trampoline = [](void* user, ah_sql_tx* tx, ah_sink* error) -> ah_status {
      auto* ctx = static_cast<Context*>(user);
      return run_body(ctx->api, tx, ctx->body, ctx->thrown, error);
    };
    auto finished = [](void* user, ah_status status, ah_str error) {
      std::unique_ptr<Context> ctx(static_cast<Context*>(user));
      std::exception_ptr failure;
      if (status != AH_OK)
        failure = ctx->thrown ? ctx->thrown
                              : std::make_exception_ptr(Error(detail::status_of(status),
                                                              std::string(detail::view(error))));
      try {
        ctx->done(failure);
      } catch (...) {
        // `done` must not throw; nothing here could report it.
      }
    };
    detail::StringSink error;
    Context* raw = context.get();
    const ah_status status =
        api_->sql_transaction_async(host_, trampoline, raw, finished, raw, error.get());
    if (status != AH_OK) throw Error(detail::status_of(status), error.text());
    context.release();  // `finished` owns it now
  }

 private:
  // Runs one try of a body: what it throws is kept in `thrown` (rethrown to
  // the caller or handed to `done`) and its message written to `error`.
  template <typename Body>
  static ah_status run_body(const ah_host_api* api, ah_sql_tx* tx, Body& body,
                            std::exception_ptr& thrown, ah_sink* error) {
    thrown = nullptr;  // a retried body starts afresh
    try {
      Transaction transaction(api, tx);
      body(transaction);
      return AH_OK;
    } catch (const std::exception& e) {
      thrown = std::current_exception();
      detail::write(error, e.what());
    } catch (...) {
      thrown = std::current_exception();
      detail::write(error, "unknown exception in transaction body");
    }
    return AH_ERR_INTERNAL;
  }

  friend class Host;
  Sql(const ah_host_api* api, ah_host* host) : api_(api), host_(host) {}
  const ah_host_api* api_;
  ah_host* host_;
};

}  // namespace agent_host

#endif  // AGENT_HOST_SQL_HPP
