// The Task Manager's migrations applied to a database written by an earlier
// version (SQLite: the file is edited back by hand; PostgreSQL databases are
// covered by the replica tests).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "fake_host_fixture.hpp"

namespace task_manager::testing {
namespace {

namespace fs = std::filesystem;

class SqliteFile {
 public:
  explicit SqliteFile(const fs::path& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
  }
  ~SqliteFile() { sqlite3_close(db_); }
  SqliteFile(const SqliteFile&) = delete;
  SqliteFile& operator=(const SqliteFile&) = delete;

  void run(const char* sql) {
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql, nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
  }
  long long count(const char* sql) {
    sqlite3_stmt* statement = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql, -1, &statement, nullptr), SQLITE_OK) << sql;
    long long n = -1;
    if (sqlite3_step(statement) == SQLITE_ROW) n = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    return n;
  }

 private:
  sqlite3* db_ = nullptr;
};

fs::path fresh_dir(const std::string& name) {
  const fs::path dir =
      fs::path(::testing::TempDir()) /
      (name + "-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  fs::create_directories(dir);
  return dir;
}

std::size_t tagged(FakeHost& host, const std::string& tag) {
  return host.get("/task/tasks?tag=" + tag).json()["items"].size();
}

// Migration 4 drops the tag index's foreign key (SQLite: rebuilds the
// table). A database at migration 3 keeps every tag row through it, and
// deleting a task still removes its tags.
TEST(TaskTagsMigration, TagsSurviveTheRebuildWithoutTheForeignKey) {
  const char* postgres = std::getenv("AH_TEST_POSTGRES_URL");
  if (postgres != nullptr && postgres[0] != '\0') GTEST_SKIP() << "SQLite only: a hand-edited file";
  const fs::path dir = fresh_dir("tm-tags");
  FakeHost::Options options;
  options.data_dir = dir;
  const std::string plugin = std::string(AH_BINARY_DIR) + "/ah-task-manager.so";
  const json config = {{"events", {{"enabled", false}}}};
  std::string first;
  {
    FakeHost host(options);
    host.add_plugin_file(plugin, config);
    host.start();
    first = host.post("/task/tasks", {{"title", "a"}, {"tags", {"x", "y"}}}).json()["id"];
    host.post("/task/tasks", {{"title", "b"}, {"tags", {"y"}}});
  }
  {
    // Back to migration 3's table: the same rows, with the foreign key.
    SqliteFile file(dir / "task-manager.db");
    EXPECT_EQ(file.count("SELECT count(*) FROM pragma_foreign_key_list('task_tags')"), 0);
    file.run(
        "CREATE TABLE tags_v3 (tag TEXT NOT NULL, task_id TEXT NOT NULL REFERENCES tasks (id)"
        " ON DELETE CASCADE, PRIMARY KEY (tag, task_id)) WITHOUT ROWID;"
        "INSERT INTO tags_v3 SELECT tag, task_id FROM task_tags; DROP TABLE task_tags;"
        "ALTER TABLE tags_v3 RENAME TO task_tags;"
        "CREATE INDEX task_tags_task ON task_tags (task_id);"
        "DELETE FROM _ah_migrations WHERE idx = 4;");
    EXPECT_EQ(file.count("SELECT count(*) FROM pragma_foreign_key_list('task_tags')"), 1);
  }
  {
    FakeHost host(options);
    host.add_plugin_file(plugin, config);
    host.start();
    EXPECT_EQ(tagged(host, "x"), 1u);
    EXPECT_EQ(tagged(host, "y"), 2u);
    ASSERT_EQ(host.del("/task/tasks/" + first).status, 204);
    EXPECT_EQ(tagged(host, "x"), 0u);
    EXPECT_EQ(tagged(host, "y"), 1u);
  }
  SqliteFile file(dir / "task-manager.db");
  EXPECT_EQ(file.count("SELECT count(*) FROM pragma_foreign_key_list('task_tags')"), 0);
  EXPECT_EQ(file.count("SELECT count(*) FROM task_tags"), 1);
  EXPECT_EQ(file.count("SELECT count(*) FROM pragma_index_list('task_tags')"), 2);  // key, task_id
  fs::remove_all(dir);
}

}  // namespace
}  // namespace task_manager::testing
