#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "config/host_config.hpp"
#include "store/database.hpp"
#include "store/pg_settings.hpp"

namespace agent_host::runtime {

// The PostgreSQL schema of a plugin: its name with '-' as '_' (task-manager -> task_manager).
std::string schema_of_plugin(const std::string& plugin_name);

// Where storage.postgres points, with the password and any missing fields read
// from the mounted secret (<secrets_dir>/<storage.postgres.secret>/). Throws
// std::runtime_error naming the file and the fix when a needed key is absent.
// The password is registered for redaction from logs.
store::PostgresSettings postgres_settings(const config::HostConfig& config,
                                          const std::string& schema);

// Opens a plugin's database as storage.backend says: <data_dir>/<name>.db, or
// the plugin's schema in PostgreSQL. Throws store::StoreError or
// std::runtime_error with a message naming what failed.
std::unique_ptr<store::Database> open_plugin_database(const config::HostConfig& config,
                                                      const std::string& plugin_name);

// On storage shared by replicas each replica's scheduler fires a cron job;
// the first to record (job, fire time) in the plugin's database runs it.
// False when another replica has, or when the claim could not be recorded
// (then `error` says why and the fire is skipped rather than run twice).
bool claim_cron_fire(store::Database& database, const std::string& job, std::int64_t fire_ms,
                     std::string& error);

}  // namespace agent_host::runtime
