#include "topology.hpp"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>

#include "cluster_names.hpp"

namespace agent_host::test {
namespace {

std::filesystem::path make_root() {
  std::random_device device;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto dir = std::filesystem::temp_directory_path() / ("topology-" + std::to_string(device()));
    if (std::filesystem::create_directory(dir)) return dir;
  }
  throw std::runtime_error("cannot create a temporary folder");
}

std::string tail(const std::string& text, size_t lines) {
  size_t pos = text.size();
  for (size_t n = 0; n <= lines && pos != std::string::npos && pos > 0; ++n)
    pos = text.rfind('\n', pos - 1);
  return pos == std::string::npos ? text : text.substr(pos);
}

// "host:port" of a URL (scheme://host[:port][/...]), the port defaulting to the scheme's.
std::string host_and_port(const std::string& url) {
  const auto begin = url.find("://") + 3;
  const std::string authority = url.substr(begin, url.find('/', begin) - begin);
  if (authority.find(':') != std::string::npos) return authority;
  return authority + (url.rfind("redis", 0) == 0 ? ":6379" : ":80");
}

// The Services the rendered configs call, as "name:port".
struct CalledServices {
  std::set<std::string> http;  // peers
  std::set<std::string> redis;
};

CalledServices services_called(const std::vector<nlohmann::json>& configs) {
  CalledServices services;
  for (const auto& config : configs) {
    // Named copies: items() of a temporary would outlive it.
    const auto peers = config.value("peers", nlohmann::json::object());
    for (const auto& peer : peers.items())
      services.http.insert(host_and_port(peer.value().get<std::string>()));
    const auto plugins = config.value("plugins", nlohmann::json::object());
    for (const auto& plugin : plugins.items()) {
      const auto redis = plugin.value()
                             .value("config", nlohmann::json::object())
                             .value("redis", nlohmann::json::object())
                             .value("url", "");
      if (!redis.empty()) services.redis.insert(host_and_port(redis));
    }
  }
  return services;
}

// Order of the deployment (deploy-all.sh): callees before their callers.
const char* const kRoles[][2] = {
    {"workflow", "/workflow"}, {"task-manager", "/task"}, {"reporting", "/reporting"}};

}  // namespace

Topology::Topology(TopologyOptions options) : options_(options), root_(make_root()) {
  try {
    const auto secrets = root_ / "secrets";
    api_key_ = write_dev_secrets(secrets, llm_.url(), testing::OllamaDouble::kDefaultModel);
    if (options_.postgres) write_db_secret();
    std::vector<ProxyRoute> routes;
    for (const auto& [name, prefix] : kRoles) routes.push_back({prefix, {}});
    if (in_cluster_network()) {
      start_services(routes);
    } else {
      redis_ = std::make_unique<RedisServer>(kDevRedisPassword);  // as deployed: --requirepass
      proxy_ = std::make_unique<NginxProxy>(routes);
    }
    for (const auto& [name, prefix] : kRoles) {
      Role role;
      role.name = name;
      role.prefix = prefix;
      const auto base = root_ / name;
      role.folders = {base / "data", base / "reports", base / "logs", secrets};
      roles_.push_back(std::move(role));
    }
    for (auto& role : roles_) {
      role.pod = start_pod(role);
      const bool scaled = options_.postgres && role.name != "workflow";
      for (int i = 1; scaled && i < options_.replicas; ++i)
        role.more_pods.push_back(start_pod(role));
      proxy_->set_servers(role.prefix, addresses(role));
    }
  } catch (...) {
    roles_.clear();
    proxy_.reset();
    redis_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
    throw;
  }
}

Topology::~Topology() {
  roles_.clear();  // SIGTERM each process and wait
  proxy_.reset();
  redis_.reset();
  if (!std::getenv("AH_KEEP_TEST_DIRS")) {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
}

// The Services under their own names: each gets a loopback address in the
// test's hosts file, Redis listens there on its port, nginx on the others (it
// routes by path, as the Services of the three roles together would).
void Topology::start_services(std::vector<ProxyRoute> routes) {
  std::vector<nlohmann::json> configs;
  for (const auto& [name, prefix] : kRoles)
    configs.push_back(rendered_role_config(name, overlay(name)));
  const CalledServices services = services_called(configs);
  if (services.redis.size() != 1)
    throw std::runtime_error("the rendered configs name " + std::to_string(services.redis.size()) +
                             " Redis URLs; the topology runs one Redis");
  std::map<std::string, std::string> names;  // Service name -> its address
  const auto address_of = [&names](const std::string& service) {
    const std::string name = service.substr(0, service.find(':'));
    if (!names.count(name)) names[name] = "127.0.0." + std::to_string(names.size() + 2);
    return names[name];
  };
  const auto port_of = [](const std::string& service) {
    return std::stoi(service.substr(service.find(':') + 1));
  };
  std::vector<std::string> listeners;
  for (const auto& service : services.http)
    listeners.push_back(address_of(service) + ":" + std::to_string(port_of(service)));
  const std::string redis = *services.redis.begin();
  const RedisListen redis_listen{address_of(redis), port_of(redis)};
  map_cluster_names(names);
  redis_ = std::make_unique<RedisServer>(kDevRedisPassword, redis_listen);  // --requirepass
  proxy_ = std::make_unique<NginxProxy>(std::move(routes), listeners);
}

std::string Topology::overlay(const std::string& role) const {
  return options_.postgres ? "postgres/" + role : "";
}

std::unique_ptr<HostProcess> Topology::start_pod(Role& role) {
  HostOptions options;
  // With the cluster's names resolvable, Redis's URL and the peers stay as rendered.
  const bool names_resolve = in_cluster_network();
  options.config = one_machine_config(role.name, role.folders, {names_resolve ? "" : redis_->url()},
                                      overlay(role.name));
  if (!names_resolve) options.env = pod_environment(proxy_->base_url());
  options.work_dir = root_ / role.name / ("pod-" + std::to_string(++role.pods_started));
  options.ready_timeout = std::chrono::milliseconds(30000);
  return std::make_unique<HostProcess>(std::move(options));
}

// The db-secret as Kubernetes mounts it, for the scratch database.
void Topology::write_db_secret() {
  database_ = std::make_unique<PostgresServer>();
  const auto secret = root_ / "secrets" / "db-secret";
  std::filesystem::create_directories(secret);
  const auto write = [&](const char* key, const std::string& value) {
    std::ofstream(secret / key) << value;
  };
  write("username", "postgres");
  write("password", "unused-with-trust-auth");
  write("host", "127.0.0.1");
  write("port", std::to_string(database_->port()));
  write("database", "postgres");
}

std::vector<std::string> Topology::addresses(const Role& role) const {
  std::vector<std::string> list = {address(*role.pod)};
  for (const auto& pod : role.more_pods) list.push_back(address(*pod));
  return list;
}

std::string Topology::address(const HostProcess& pod) {
  return "127.0.0.1:" + std::to_string(pod.port());
}

Role& Topology::role(const std::string& name) {
  for (auto& role : roles_)
    if (role.name == name) return role;
  throw std::invalid_argument("no role '" + name + "'");
}

Reply Topology::call(const std::string& method, const std::string& path, const std::string& body,
                     std::chrono::milliseconds timeout) const {
  return try_http(method, proxy_->base_url() + path, body,
                  {{"authorization", "Bearer " + api_key_}}, timeout);
}

Reply Topology::run_job(const std::string& name, const std::string& job) const {
  for (const auto& role : roles_)
    if (role.name == name)
      return try_http("POST", role.pod->base_url() + "/jobs/" + job, {},
                      {{"authorization", "Bearer " + api_key_}});
  throw std::invalid_argument("no role '" + name + "'");
}

void Topology::age_report(const std::string& id, std::chrono::hours age) {
  if (database_) return age_report_in_postgres(id, age);
  const auto file = role("reporting").folders.data_dir / "reporting.db";
  sqlite3* db = nullptr;
  if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + file.string());
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db, "UPDATE reports SET created_ms = created_ms - ?1 WHERE id = ?2", -1,
                     &statement, nullptr);
  sqlite3_bind_int64(statement, 1, std::chrono::milliseconds(age).count());
  sqlite3_bind_text(statement, 2, id.c_str(), -1, SQLITE_TRANSIENT);
  const int step = sqlite3_step(statement);
  const int changed = sqlite3_changes(db);
  sqlite3_finalize(statement);
  sqlite3_close(db);
  if (step != SQLITE_DONE || changed != 1)
    throw std::runtime_error("report " + id + " not found in " + file.string());
}

void Topology::age_report_in_postgres(const std::string& id, std::chrono::hours age) {
  PGconn* connection = PQconnectdb(database_->url().c_str());
  const std::string shift = std::to_string(std::chrono::milliseconds(age).count());
  const char* values[] = {shift.c_str(), id.c_str()};
  PGresult* result = PQexecParams(
      connection, "UPDATE reporting.reports SET created_ms = created_ms - $1::bigint WHERE id = $2",
      2, nullptr, values, nullptr, nullptr, 0);
  const std::string changed = PQresultStatus(result) == PGRES_COMMAND_OK ? PQcmdTuples(result) : "";
  const std::string error = PQerrorMessage(connection);
  PQclear(result);
  PQfinish(connection);
  if (changed != "1") throw std::runtime_error("report " + id + " not aged: " + error);
}

RolloutResult Topology::roll(const std::string& name) {
  Role& target = role(name);
  auto surge = start_pod(target);  // returns once /readyz answers 200
  std::vector<std::string> serving = addresses(target);
  serving.push_back(address(*surge));
  proxy_->set_servers(target.prefix, serving);
  // Both serve for a moment: two processes on one data folder, as during a rollout.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // Out of the endpoints, then SIGTERM: what the old pod still has in flight
  // (from the proxy's previous workers) must finish while it drains.
  serving.erase(serving.begin());
  proxy_->set_servers(target.prefix, serving);
  target.pod->terminate();
  RolloutResult result;
  result.old_exit_code = target.pod->wait(std::chrono::milliseconds(30000));
  if (result.old_exit_code == -1000) target.pod->kill9();
  result.old_logs = target.pod->logs();
  target.pod = std::move(surge);
  return result;
}

std::string Topology::diagnostics() const {
  std::string text;
  for (const auto& role : roles_) {
    if (role.pod) text += "--- " + role.name + " log tail:\n" + tail(role.pod->logs(), 15) + "\n";
    for (const auto& pod : role.more_pods)
      text += "--- " + role.name + " replica log tail:\n" + tail(pod->logs(), 15) + "\n";
  }
  text += "--- nginx error log tail:\n" + tail(proxy_->error_log(), 10) + "\n";
  return text;
}

}  // namespace agent_host::test
