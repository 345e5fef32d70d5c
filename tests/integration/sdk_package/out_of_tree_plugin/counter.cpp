// counter: named counters kept in SQL. The example plugin of the plugin guide;
// it touches every service of the SDK once.
#include <agent_host/sdk.hpp>
#include <atomic>
#include <ctime>
#include <memory>

namespace {

constexpr const char* kConfigSchema = R"json({
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "step": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 1,
             "description": "How much one increment adds when the request names no amount"},
    "reset_cron": {"type": "string", "format": "cron", "default": "0 0 * * *",
                   "description": "When every counter goes back to zero (5-field cron, UTC)"}
  }
})json";

const std::vector<agent_host::Migration> kMigrations = {
    "CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
    "ALTER TABLE counters ADD COLUMN updated_at TEXT",
    // one text per engine where DDL differs: {SQLite, PostgreSQL}
    {"CREATE TABLE increments (seq INTEGER PRIMARY KEY, name TEXT NOT NULL)",
     "CREATE TABLE increments (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
     " name TEXT NOT NULL)"},
};

class CounterPlugin : public agent_host::Plugin {
 public:
  CounterPlugin(agent_host::Host& host, const nlohmann::json& config)
      : Plugin(host),
        step_(config.at("step").get<int>()),
        increments_(host.counter("increments_total", "Increments applied")),
        counters_(host.gauge("counters", "Counters that exist")) {
    host.sql().migrate(kMigrations);
    counters_.set(count_counters());

    host.route("GET", "/counters/{name}", "Reads one counter",
               [this](const agent_host::Request& request) { return read(request); });
    host.route(
        "POST", "/counters/{name}/increment",
        agent_host::RouteDoc{"Adds to a counter (creating it at 0)",
                             {{"type", "object"}, {"properties", {{"by", {{"type", "integer"}}}}}},
                             {{"type", "object"}}},
        [this](const agent_host::Request& request) { return increment(request); });
    host.route_deferred(
        "PUT", "/counters/{name}", "Sets a counter; answered from the commit",
        [this](const agent_host::Request& request, agent_host::DeferredResponse response) {
          set(request, response);
        },
        agent_host::RouteMode::non_blocking);
    host.route("DELETE", "/counters/{name}",
               agent_host::RouteDoc{"Deletes a counter"}
                   .id("deleteCounter")
                   .header("X-Admin-Token", "Required when the counter/admin-token secret is set")
                   .responds(204, "Deleted")
                   .responds(403, "Wrong or missing X-Admin-Token")
                   .responds(404, "No such counter"),
               [this](const agent_host::Request& request) { return remove(request); });
    host.route("GET", "/greeting/{name}", "Asks the hello agent to greet someone",
               [this](const agent_host::Request& request) { return greeting(request); });
    host.route("GET", "/summary", "Summarises the counters with the LLM",
               [this](const agent_host::Request&) { return summary(); });

    host.cron("reset", config.at("reset_cron").get<std::string>(),
              [this](std::chrono::system_clock::time_point) { reset_all(); });
  }

  void reload(const nlohmann::json& config) override { step_ = config.at("step").get<int>(); }

  agent_host::HealthReport health() override {
    return {agent_host::Health::ok, {{"counters", count_counters()}}};
  }

 private:
  static std::string valid_name(const agent_host::Request& request) {
    std::string name = request.param("name");
    if (name.size() > 100)
      throw agent_host::HttpError::bad_request("name", "name must be at most 100 characters");
    return name;
  }

  agent_host::Response read(const agent_host::Request& request) {
    const std::string name = valid_name(request);
    auto rows = host().sql().query("SELECT value FROM counters WHERE name = $1", {name});
    if (rows.empty()) throw agent_host::HttpError::not_found("counter '" + name + "'");
    return agent_host::Response::json({{"name", name}, {"value", rows[0]["value"]}});
  }

  agent_host::Response increment(const agent_host::Request& request) {
    const std::string name = valid_name(request);
    int by = step_;
    if (!request.body().empty()) {
      const auto body = request.json_body();
      if (body.contains("by")) {
        if (!body["by"].is_number_integer() || body["by"].get<int>() < 1)
          throw agent_host::HttpError::bad_request("by", "by must be a positive integer");
        by = body["by"].get<int>();
      }
    }
    long long value = 0;
    bool created = false;
    host().sql().transaction([&](agent_host::Transaction& tx) {
      auto rows = tx.query("SELECT value FROM counters WHERE name = $1", {name});
      created = rows.empty();
      value = (created ? 0 : rows[0]["value"].get<long long>()) + by;
      tx.query(created ? "INSERT INTO counters (name, value, updated_at) VALUES ($1, $2, $3)"
                       : "UPDATE counters SET value = $2, updated_at = $3 WHERE name = $1",
               {name, value, now_utc()});
    });
    increments_.inc();
    if (created) counters_.add(1);
    return agent_host::Response::json({{"name", name}, {"value", value}}, created ? 201 : 200);
  }

  // Validates on the network thread, writes on the host's writer thread and
  // answers from the commit: no thread waits while the write is batched.
  void set(const agent_host::Request& request, const agent_host::DeferredResponse& response) {
    const std::string name = valid_name(request);
    const auto body = request.json_body();
    if (!body.contains("value") || !body["value"].is_number_integer())
      throw agent_host::HttpError::bad_request("value", "value must be an integer");
    const long long value = body["value"].get<long long>();
    auto created = std::make_shared<bool>(false);
    host().sql().transaction_async(
        [name, value, created, now = now_utc()](agent_host::Transaction& tx) {
          *created = tx.query("SELECT 1 FROM counters WHERE name = $1", {name}).empty();
          tx.query(*created ? "INSERT INTO counters (name, value, updated_at) VALUES ($1, $2, $3)"
                            : "UPDATE counters SET value = $2, updated_at = $3 WHERE name = $1",
                   {name, value, now});
        },
        [this, response, name, value, created](std::exception_ptr failure) {
          if (failure) {
            response.fail(failure);
            return;
          }
          if (*created) counters_.add(1);
          response.send(
              agent_host::Response::json({{"name", name}, {"value", value}}, *created ? 201 : 200));
        });
  }

  agent_host::Response remove(const agent_host::Request& request) {
    // An admin token, when the "counter/admin-token" secret is mounted.
    if (auto token = host().secret("counter/admin-token")) {
      if (request.header("x-admin-token") != *token)
        throw agent_host::HttpError(403, "forbidden", "send the admin token in X-Admin-Token");
    }
    const std::string name = valid_name(request);
    auto rows = host().sql().query("DELETE FROM counters WHERE name = $1 RETURNING name", {name});
    if (rows.empty()) throw agent_host::HttpError::not_found("counter '" + name + "'");
    counters_.add(-1);
    return agent_host::Response::no_content();
  }

  agent_host::Response greeting(const agent_host::Request& request) {
    agent_host::HttpResult result;
    try {
      result = host().call_agent("hello", agent_host::Call::get("/greet/" + valid_name(request)));
    } catch (const agent_host::Error& e) {
      throw agent_host::HttpError(502, "hello_unavailable",
                                  std::string("the hello agent did not answer: ") + e.what());
    }
    if (!result.ok())
      throw agent_host::HttpError(502, "hello_failed",
                                  "the hello agent answered " + std::to_string(result.status));
    return agent_host::Response::json({{"greeting", result.json().at("message")}});
  }

  agent_host::Response summary() {
    const auto rows = host().sql().query("SELECT name, value FROM counters ORDER BY name");
    try {
      const auto answer = host().llm_generate(
          {{"prompt", "Summarise these counters in one sentence: " + rows.dump()}});
      return agent_host::Response::json({{"summary", answer.at("response")}});
    } catch (const agent_host::Error& e) {
      if (e.status() != agent_host::Status::unsupported) throw;
      throw agent_host::HttpError(503, "llm_not_configured", e.what());
    }
  }

  void reset_all() {
    auto rows = host().sql().query("UPDATE counters SET value = 0 RETURNING name");
    host().info("counters reset", {{"count", rows.size()}});
  }

  static std::string now_utc() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
  }

  int count_counters() {
    return host().sql().query("SELECT COUNT(*) AS n FROM counters")[0]["n"].get<int>();
  }

  std::atomic<int> step_;
  agent_host::Counter increments_;
  agent_host::Gauge counters_;
};

}  // namespace

AGENT_HOST_PLUGIN(CounterPlugin, "counter", "1.0.0", "/counter", "Named counters kept in SQL",
                  kConfigSchema)
