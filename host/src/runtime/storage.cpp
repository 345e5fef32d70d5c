#include "runtime/storage.hpp"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "files/regular_file.hpp"
#include "logging/logging.hpp"
#include "store/postgres_database.hpp"
#include "store/sqlite_database.hpp"

namespace agent_host::runtime {
namespace {

constexpr std::size_t kMaxSecretKeyBytes = 64 * 1024;

// One key of the mounted database secret; empty when the file is absent.
std::string secret_key(const config::HostConfig& config, const std::string& key) {
  const std::filesystem::path file =
      std::filesystem::path(config.secrets_dir) / config.storage.postgres.secret / key;
  std::error_code missing;
  if (!std::filesystem::exists(file, missing)) return "";
  std::string value = files::read_regular_file(file, kMaxSecretKeyBytes);
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  return value;
}

std::string required_secret_key(const config::HostConfig& config, const std::string& key) {
  std::string value = secret_key(config, key);
  if (!value.empty()) return value;
  const std::filesystem::path file =
      std::filesystem::path(config.secrets_dir) / config.storage.postgres.secret / key;
  throw std::runtime_error("storage.backend is postgres and storage.postgres.url is empty, so " +
                           file.string() + " must hold the database's " + key +
                           ": mount the secret there (keys host, username, password), or set "
                           "storage.postgres.url");
}

// A value in libpq's key='value' form.
std::string conninfo_value(const std::string& value) {
  std::string out = "'";
  for (const char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string conninfo_from_secret(const config::HostConfig& config) {
  std::string conninfo = "host=" + conninfo_value(required_secret_key(config, "host")) +
                         " user=" + conninfo_value(required_secret_key(config, "username"));
  const std::string port = secret_key(config, "port");
  if (!port.empty()) conninfo += " port=" + conninfo_value(port);
  const std::string database = secret_key(config, "database");
  conninfo +=
      " dbname=" + conninfo_value(database.empty() ? config.storage.postgres.database : database);
  return conninfo;
}

}  // namespace

std::string schema_of_plugin(const std::string& plugin_name) {
  std::string schema = plugin_name;
  std::replace(schema.begin(), schema.end(), '-', '_');
  std::transform(schema.begin(), schema.end(), schema.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return schema;
}

store::PostgresSettings postgres_settings(const config::HostConfig& config,
                                          const std::string& schema) {
  const config::PostgresConfig& postgres = config.storage.postgres;
  store::PostgresSettings settings;
  settings.conninfo = postgres.url.empty() ? conninfo_from_secret(config) : postgres.url;
  settings.password = secret_key(config, "password");
  if (!settings.password.empty()) logging::Logging::add_secret(settings.password);
  settings.schema = schema;
  settings.pool_size = static_cast<std::size_t>(postgres.pool_size);
  settings.connect_timeout_ms = postgres.connect_timeout_ms;
  return settings;
}

std::unique_ptr<store::Database> open_plugin_database(const config::HostConfig& config,
                                                      const std::string& plugin_name) {
  if (config.storage.backend == "postgres")
    return store::PostgresDatabase::open(postgres_settings(config, schema_of_plugin(plugin_name)));
  store::Options options;
  options.full_sync = config.storage.synchronous == "full";
  return store::SqliteDatabase::open(
      std::filesystem::path(config.storage.data_dir) / (plugin_name + ".db"), options);
}

bool claim_cron_fire(store::Database& database, const std::string& job, std::int64_t fire_ms,
                     std::string& error) {
  // Claims older than a week are of no use to anyone: pruned as we go.
  constexpr std::int64_t kKeepMs = 7LL * 24 * 3600 * 1000;
  std::string rows;
  // Replicas may race to create it; the loser's conflict means it exists.
  store::Outcome outcome = database.query(
      "CREATE TABLE IF NOT EXISTS _ah_job_fires (job TEXT NOT NULL, fire_ms BIGINT NOT NULL,"
      " PRIMARY KEY (job, fire_ms))",
      "", rows);
  if (outcome.ok() || outcome.status == AH_ERR_CONFLICT) {
    outcome = database.transaction([&](store::Transaction& tx) {
      store::Outcome step = tx.query("DELETE FROM _ah_job_fires WHERE fire_ms < $1",
                                     nlohmann::json::array({fire_ms - kKeepMs}).dump(), rows);
      if (!step.ok()) return step;
      return tx.query(
          "INSERT INTO _ah_job_fires (job, fire_ms) VALUES ($1, $2) ON CONFLICT DO NOTHING"
          " RETURNING job",
          nlohmann::json::array({job, fire_ms}).dump(), rows);
    });
  }
  if (!outcome.ok()) {
    error = "cannot record the fire in " + database.describe() + ": " + outcome.error;
    return false;
  }
  error.clear();
  return rows != "[]";
}

}  // namespace agent_host::runtime
