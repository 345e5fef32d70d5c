// Replicas of the Task Manager and the Reporting agent on one PostgreSQL
// database, as the HPA runs them: what one replica stores every other serves,
// the outbox is delivered by one replica at a time, a killed replica loses no
// acknowledged write, and an outage of the server is survived.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <host_process.hpp>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "postgres_server.hpp"
#include "runtime/storage.hpp"
#include "store/postgres_database.hpp"
#include "testing/scratch_postgres.hpp"

namespace agent_host::test {
namespace {

using nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;
using std::chrono::milliseconds;
using std::chrono::seconds;

json storage_on(const std::string& url) {
  return {{"backend", "postgres"}, {"postgres", {{"url", url}, {"pool_size", 4}}}};
}

json task_manager_on(const std::string& url, const std::string& sink_url = {}) {
  json events = {{"enabled", !sink_url.empty()},
                 {"target", "event-sink"},
                 {"retry_initial_ms", 50},
                 {"retry_max_ms", 300},
                 {"timeout_ms", 1000}};
  return {{"service", "task-manager"},
          {"storage", storage_on(url)},
          {"peers", sink_url.empty() ? json::object() : json{{"event-sink", sink_url}}},
          {"plugins",
           {{"task-manager", {{"config", {{"metrics_refresh_ms", 200}, {"events", events}}}}}}}};
}

json reporting_on(const std::string& url) {
  return {{"service", "reporting"},
          {"storage", storage_on(url)},
          {"plugins", {{"reporting", {{"config", {{"summary", {{"enabled", false}}}}}}}}}};
}

Reply generate_daily_report(const HostProcess& host) {
  return http("POST", host.base_url() + "/reporting/reports", json{{"period", "daily"}}.dump(),
              {{"content-type", "application/json"}});
}

// The Task Manager's schema, opened as the plugin's store opens it.
std::unique_ptr<store::PostgresDatabase> task_manager_schema(const std::string& url) {
  store::PostgresSettings settings;
  settings.conninfo = url;
  settings.schema = runtime::schema_of_plugin("task-manager");
  return store::PostgresDatabase::open(settings);
}

Reply create_task(const HostProcess& host, const std::string& title, Headers headers = {}) {
  headers.emplace_back("content-type", "application/json");
  return try_http("POST", host.base_url() + "/task/tasks", json{{"title", title}}.dump(), headers,
                  milliseconds(10000));
}

class Replicas : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = testing::ScratchPostgres::from_environment();
    ASSERT_NE(database_, nullptr) << "AH_TEST_POSTGRES_URL is not set";
  }
  std::unique_ptr<testing::ScratchPostgres> database_;
};

TEST_F(Replicas, WhatOneReplicaStoresEveryOtherServesAtOnce) {
  std::vector<std::unique_ptr<HostProcess>> hosts;
  for (int i = 0; i < 3; ++i)
    hosts.push_back(std::make_unique<HostProcess>(task_manager_on(database_->url())));

  const Reply created = create_task(*hosts[0], "shared", {{"Idempotency-Key", "k-1"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["id"];
  const std::string etag = created.header("etag");
  for (const auto& host : hosts) {
    const Reply read = http("GET", host->base_url() + "/task/tasks/" + id);
    EXPECT_EQ(read.status, 200);
    EXPECT_EQ(read.header("etag"), etag);
  }
  // The idempotency key holds across replicas.
  const Reply replayed = create_task(*hosts[1], "shared", {{"Idempotency-Key", "k-1"}});
  EXPECT_EQ(replayed.json()["id"], id) << replayed.body;
  // If-Match: the first replica's ETag is good on the second, then stale on the third.
  const Headers json_type = {{"content-type", "application/json"}};
  Headers conditional = json_type;
  conditional.emplace_back("If-Match", etag);
  const Reply updated = http("PATCH", hosts[1]->base_url() + "/task/tasks/" + id,
                             json{{"title", "renamed"}}.dump(), conditional);
  EXPECT_EQ(updated.status, 200) << updated.body;
  const Reply stale = http("PATCH", hosts[2]->base_url() + "/task/tasks/" + id,
                           json{{"title", "again"}}.dump(), conditional);
  EXPECT_EQ(stale.status, 412) << stale.body;
}

TEST_F(Replicas, OneReplicaAtATimeDeliversTheOutboxAndNoEventIsLost) {
  HostProcess sink(json{{"service", "event-sink"}, {"plugins", {{"event-sink", json::object()}}}});
  HostProcess first(task_manager_on(database_->url(), sink.base_url()));
  HostProcess second(task_manager_on(database_->url(), sink.base_url()));
  constexpr int kTasks = 120;
  for (int i = 0; i < kTasks; ++i)
    ASSERT_EQ(create_task(i % 2 == 0 ? first : second, "t" + std::to_string(i)).status, 201);
  const auto deadline = std::chrono::steady_clock::now() + seconds(30);
  json events;
  while (std::chrono::steady_clock::now() < deadline) {
    events = http("GET", sink.base_url() + "/event-sink/events").json();
    if (events["events"].size() >= kTasks) break;
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_EQ(events["events"].size(), static_cast<std::size_t>(kTasks));
  EXPECT_EQ(events["duplicates"], 0) << "two replicas delivered the same events";
}

// Sends `count` requests at once, spread over `hosts`; returns their statuses.
std::vector<int> at_once(const std::vector<std::unique_ptr<HostProcess>>& hosts, int count,
                         const std::function<Reply(const HostProcess&)>& send) {
  std::vector<int> statuses(static_cast<std::size_t>(count));
  std::vector<std::thread> senders;
  for (int i = 0; i < count; ++i)
    senders.emplace_back([&, i] {
      statuses[static_cast<std::size_t>(i)] =
          send(*hosts[static_cast<std::size_t>(i) % hosts.size()]).status;
    });
  for (auto& sender : senders) sender.join();
  return statuses;
}

// Changes sent at once to different replicas with the same If-Match: one
// applies, the others find the version moved (412). An UPDATE that did not
// name the version it read let each replica pass If-Match and all of them
// succeed, the last silently overwriting the others.
TEST_F(Replicas, IfMatchAdmitsOneOfConcurrentChangesOnDifferentReplicas) {
  std::vector<std::unique_ptr<HostProcess>> hosts;
  for (int i = 0; i < 3; ++i)
    hosts.push_back(std::make_unique<HostProcess>(task_manager_on(database_->url())));
  const Reply created = create_task(*hosts[0], "contended");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string path = "/task/tasks/" + created.json()["id"].get<std::string>();
  constexpr int kRounds = 10, kWriters = 6;
  for (int round = 0; round < kRounds; ++round) {
    const std::string etag = http("GET", hosts[0]->base_url() + path).header("etag");
    std::atomic<int> writer{0};
    const auto statuses = at_once(hosts, kWriters, [&](const HostProcess& host) {
      const std::string title = "r" + std::to_string(round) + "w" + std::to_string(writer++);
      return http("PATCH", host.base_url() + path, json{{"title", title}}.dump(),
                  {{"content-type", "application/json"}, {"If-Match", etag}});
    });
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 1) << "round " << round;
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 412), kWriters - 1) << "round " << round;
  }
  EXPECT_EQ(http("GET", hosts[1]->base_url() + path).json()["version"], kRounds + 1);
}

// Creates sent at once to different replicas with one Idempotency-Key make
// one task: the first answers 201, every other one replays it (200).
TEST_F(Replicas, OneIdempotencyKeyMakesOneTaskWhenReplicasRace) {
  std::vector<std::unique_ptr<HostProcess>> hosts;
  for (int i = 0; i < 3; ++i)
    hosts.push_back(std::make_unique<HostProcess>(task_manager_on(database_->url())));
  for (int round = 0; round < 10; ++round) {
    const std::string key = "race-" + std::to_string(round);
    const auto statuses = at_once(hosts, 6, [&](const HostProcess& host) {
      return create_task(host, key, {{"Idempotency-Key", key}});
    });
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1) << key;
    EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 5) << key;
  }
  const json listed = http("GET", hosts[2]->base_url() + "/task/tasks?limit=100").json();
  EXPECT_EQ(listed["items"].size(), 10u);
}

// A report read on one replica while another deletes it: 200 or 404, never
// 410 (which says a stored document went missing).
TEST_F(Replicas, AReportReadWhileAnotherReplicaDeletesItIsFoundOrNotFound) {
  HostProcess first(reporting_on(database_->url()));
  HostProcess second(reporting_on(database_->url()));
  for (int round = 0; round < 15; ++round) {
    const Reply generated = generate_daily_report(first);
    ASSERT_LT(generated.status, 300) << generated.body;
    const std::string path = "/reporting/reports/" + generated.json()["id"].get<std::string>();
    std::atomic<bool> deleted{false};
    std::vector<int> statuses;
    std::thread reader([&] {
      while (!deleted)
        statuses.push_back(http("GET", second.base_url() + path + "?format=md").status);
      statuses.push_back(http("GET", second.base_url() + path + "?format=md").status);
    });
    std::this_thread::sleep_for(milliseconds(5));
    http("DELETE", first.base_url() + path);
    deleted = true;
    reader.join();
    for (int status : statuses) EXPECT_TRUE(status == 200 || status == 404) << status;
    EXPECT_EQ(statuses.back(), 404);
  }
}

// A change and a delete of one task at once on different replicas: both
// read the task, then wait on its row, which the test holds locked; the
// delete queued first goes first. The change then finds its version gone and
// runs again: 404, and no tag row of the deleted task is written (the index
// has no foreign key since migration 4: the version check keeps it).
TEST_F(Replicas, AChangeRacingADeleteLeavesNoTagOfTheDeletedTask) {
  std::vector<std::unique_ptr<HostProcess>> hosts;
  for (int i = 0; i < 2; ++i)
    hosts.push_back(std::make_unique<HostProcess>(task_manager_on(database_->url())));
  const Headers json_type = {{"content-type", "application/json"}};
  const auto database = task_manager_schema(database_->url());
  for (int round = 0; round < 3; ++round) {
    const Reply created = http("POST", hosts[0]->base_url() + "/task/tasks",
                               json{{"title", "doomed"}, {"tags", {"a"}}}.dump(), json_type);
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string id = created.json()["id"];
    const std::string path = "/task/tasks/" + id;
    int deleted = 0, retagged = 0;
    std::thread remove, retag;
    const store::Outcome held = database->transaction([&](store::Transaction& tx) {
      std::string rows;
      store::Outcome locked =
          tx.query("SELECT id FROM tasks WHERE id = $1 FOR UPDATE", json::array({id}).dump(), rows);
      if (!locked.ok()) return locked;
      remove = std::thread([&] { deleted = http("DELETE", hosts[0]->base_url() + path).status; });
      std::this_thread::sleep_for(milliseconds(300));
      retag = std::thread([&] {
        retagged =
            http("PATCH", hosts[1]->base_url() + path, json{{"tags", {"b", "c"}}}.dump(), json_type)
                .status;
      });
      std::this_thread::sleep_for(milliseconds(300));
      return store::Outcome{};
    });
    ASSERT_TRUE(held.ok()) << held.error;
    remove.join();
    retag.join();
    EXPECT_EQ(deleted, 204);
    EXPECT_EQ(retagged, 404);
  }
  std::string rows;
  ASSERT_TRUE(database
                  ->query("SELECT count(*) AS n FROM task_tags t WHERE NOT EXISTS "
                          "(SELECT 1 FROM tasks WHERE id = t.task_id)",
                          "[]", rows)
                  .ok());
  EXPECT_EQ(json::parse(rows).at(0).at("n"), 0) << "tag rows of deleted tasks";
  // Migration 4 took the foreign key away: the version checks keep the index.
  ASSERT_TRUE(database
                  ->query("SELECT count(*) AS n FROM pg_constraint WHERE contype = 'f' AND "
                          "conrelid = 'task_tags'::regclass",
                          "[]", rows)
                  .ok());
  EXPECT_EQ(json::parse(rows).at(0).at("n"), 0);
}

// A replica that does not hold the outbox lease leaves the lease row alone
// until its next gauge refresh: asking on every commit was one write to that
// row per commit from every other replica. A refused take-over still locks
// the row (ON CONFLICT DO UPDATE locks before it checks its WHERE), which
// stamps the row's xmax with the asker's transaction: it must not move.
TEST_F(Replicas, AReplicaNotHoldingTheOutboxLeaseDoesNotAskOnEveryCommit) {
  json config = task_manager_on(database_->url());
  // Events go nowhere, and retries and refreshes are a minute apart: after
  // its first attempt the holder backs off and leaves the row alone too.
  config["peers"] = {{"event-sink", "http://127.0.0.1:1"}};
  json& plugin = config["plugins"]["task-manager"]["config"];
  plugin["metrics_refresh_ms"] = 60000;
  plugin["events"]["enabled"] = true;
  plugin["events"]["retry_initial_ms"] = 60000;
  plugin["events"]["retry_max_ms"] = 60000;
  HostProcess holder(config);
  ASSERT_EQ(create_task(holder, "first").status, 201);

  const auto database = task_manager_schema(database_->url());
  const auto lease = [&] {
    std::string rows;
    const store::Outcome read =
        database->query("SELECT holder, xmax::text AS stamp FROM outbox_lease", "[]", rows);
    EXPECT_TRUE(read.ok()) << read.error;
    const json parsed = json::parse(rows.empty() ? "[]" : rows);
    return parsed.empty() ? json() : parsed.at(0);
  };
  // The other replica's start sees the holder's undelivered event and asks
  // once, in vain: the row's stamp moves from 0 to its transaction.
  HostProcess other(config);
  const auto deadline = std::chrono::steady_clock::now() + seconds(10);
  while (std::chrono::steady_clock::now() < deadline && lease().value("stamp", "0") == "0")
    std::this_thread::sleep_for(milliseconds(20));
  const json asked = lease();
  ASSERT_NE(asked.value("stamp", "0"), "0") << "the other replica never asked for the lease";

  for (int i = 0; i < 20; ++i)
    ASSERT_EQ(create_task(other, "other " + std::to_string(i)).status, 201);
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(lease(), asked) << "the other replica asked for the lease after its commits";
}

TEST_F(Replicas, AKilledReplicaLosesNoAcknowledgedWriteAndNoEvent) {
  HostProcess sink(json{{"service", "event-sink"}, {"plugins", {{"event-sink", json::object()}}}});
  HostProcess doomed(task_manager_on(database_->url(), sink.base_url()));
  HostProcess survivor(task_manager_on(database_->url(), sink.base_url()));
  std::mutex mutex;
  std::vector<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::atomic<int> server_errors{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 6; ++w) {
    writers.emplace_back([&, w] {
      const HostProcess& target = w % 2 == 0 ? doomed : survivor;
      for (int i = 0; !stop && i < 2000; ++i) {
        const Reply reply = create_task(target, "w" + std::to_string(w) + "-" + std::to_string(i));
        if (reply.status == 201) {
          std::lock_guard<std::mutex> lock(mutex);
          acknowledged.push_back(reply.json()["id"]);
        } else if (reply.status >= 500) {
          ++server_errors;
        }
      }
    });
  }
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (acknowledged.size() >= 300) break;
    }
    std::this_thread::sleep_for(milliseconds(5));
  }
  doomed.kill9();
  std::this_thread::sleep_for(milliseconds(500));
  stop = true;
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(server_errors.load(), 0);
  for (const std::string& id : acknowledged)
    ASSERT_EQ(http("GET", survivor.base_url() + "/task/tasks/" + id).status, 200) << id;
  // The survivor takes over the outbox lease and delivers what the killed one left.
  std::set<std::string> expected(acknowledged.begin(), acknowledged.end());
  const auto deadline = std::chrono::steady_clock::now() + seconds(40);
  std::set<std::string> delivered;
  while (std::chrono::steady_clock::now() < deadline) {
    delivered.clear();
    const json received = http("GET", sink.base_url() + "/event-sink/events").json();
    for (const json& event : received["events"])
      delivered.insert(event["task"]["id"].get<std::string>());
    if (std::includes(delivered.begin(), delivered.end(), expected.begin(), expected.end())) break;
    std::this_thread::sleep_for(milliseconds(200));
  }
  EXPECT_TRUE(std::includes(delivered.begin(), delivered.end(), expected.begin(), expected.end()))
      << delivered.size() << " of " << expected.size() << " acknowledged tasks' events delivered";
}

int readiness(const HostProcess& host) {
  return try_http("GET", host.base_url() + "/readyz", {}, {}, milliseconds(3000)).status;
}

bool wait_for_readiness(const HostProcess& host, int status, seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (readiness(host) == status) return true;
    std::this_thread::sleep_for(milliseconds(100));
  }
  return false;
}

TEST(PostgresOutage, HostsReportNotReadyAndRecoverByThemselves) {
  PostgresServer server;
  HostProcess host(task_manager_on(server.url()));
  ASSERT_EQ(create_task(host, "before").status, 201);
  server.pause();
  EXPECT_TRUE(wait_for_readiness(host, 503, seconds(10))) << "still ready without a database";
  const Reply during = create_task(host, "during");
  EXPECT_EQ(during.status, 503) << during.body;
  server.resume();
  EXPECT_TRUE(wait_for_readiness(host, 200, seconds(15))) << host.logs().substr(0, 4000);
  Reply after;
  const auto deadline = std::chrono::steady_clock::now() + seconds(10);
  do {
    after = create_task(host, "after");
    if (after.status == 201) break;
    std::this_thread::sleep_for(milliseconds(200));
  } while (std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(after.status, 201) << after.body;
}

TEST_F(Replicas, AReportStoredByOneReportingReplicaIsServedByAnother) {
  HostProcess first(reporting_on(database_->url()));
  HostProcess second(reporting_on(database_->url()));
  const Reply generated = generate_daily_report(first);
  ASSERT_LT(generated.status, 300) << generated.body;
  const std::string id = generated.json()["id"];
  for (const std::string format : {"json", "html", "md"}) {
    const Reply document =
        http("GET", second.base_url() + "/reporting/reports/" + id + "?format=" + format);
    EXPECT_EQ(document.status, 200) << format << ": " << document.body;
  }
}

}  // namespace
}  // namespace agent_host::test
