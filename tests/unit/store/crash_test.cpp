// An acknowledged write survives the process being killed with SIGKILL.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <set>
#include <thread>
#include <vector>

#include "store_test_support.hpp"

namespace agent_host::store::testing {
namespace {

constexpr int kWriterThreads = 4;
constexpr int kMaxPerThread = 200000;  // bound in case the parent never kills
constexpr std::size_t kKillAfterAcknowledged = 3000;

// The child: commits transactions from several threads and reports each
// acknowledged id on `out` (one 8-byte record, atomic on a pipe) after
// transaction() returned AH_OK. Never returns.
[[noreturn]] void run_child(const std::filesystem::path& file, int out) {
  try {
    auto db = SqliteDatabase::open(file, Options{});
    if (!db->migrate({"CREATE TABLE ack (id INTEGER PRIMARY KEY, payload TEXT)"}).ok()) _exit(2);
    std::vector<std::thread> threads;
    for (int t = 0; t < kWriterThreads; ++t) {
      threads.emplace_back([&, t] {
        for (std::int64_t seq = 0; seq < kMaxPerThread; ++seq) {
          const std::int64_t id = static_cast<std::int64_t>(t) * kMaxPerThread + seq + 1;
          const Outcome outcome = db->transaction([&](Transaction& tx) {
            std::string rows;
            return tx.query("INSERT INTO ack VALUES ($1, 'some payload to make pages')",
                            "[" + std::to_string(id) + "]", rows);
          });
          if (!outcome.ok()) _exit(3);
          if (write(out, &id, sizeof id) != static_cast<ssize_t>(sizeof id)) _exit(4);
        }
      });
    }
    for (auto& thread : threads) thread.join();
  } catch (...) {
    _exit(5);
  }
  _exit(0);
}

class Crash : public StoreFixture, public ::testing::Test {};

TEST_F(Crash, EveryAcknowledgedTransactionSurvivesSigkill) {
  SKIP_ON_POSTGRES("a SQLite file under a killed process (PostgreSQL: tests/integration/postgres)");
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipe_fds[0]);
    run_child(db_file(), pipe_fds[1]);
  }
  close(pipe_fds[1]);

  std::set<std::int64_t> acknowledged;
  bool killed = false;
  std::vector<char> pending;  // a record may arrive in pieces
  for (;;) {
    pollfd readable{pipe_fds[0], POLLIN, 0};
    if (poll(&readable, 1, 60000) <= 0) {
      kill(child, SIGKILL);
      FAIL() << "the child stopped reporting for 60 s";
    }
    char buffer[4096];
    const ssize_t got = read(pipe_fds[0], buffer, sizeof buffer);
    if (got <= 0) break;  // EOF: the child is gone and everything it wrote was read
    pending.insert(pending.end(), buffer, buffer + got);
    std::size_t used = 0;
    for (; used + sizeof(std::int64_t) <= pending.size(); used += sizeof(std::int64_t)) {
      std::int64_t id = 0;
      std::copy_n(pending.data() + used, sizeof id, reinterpret_cast<char*>(&id));
      acknowledged.insert(id);
    }
    pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(used));
    if (!killed && acknowledged.size() >= kKillAfterAcknowledged) {
      ASSERT_EQ(kill(child, SIGKILL), 0);  // mid-stream: the writers are still busy
      killed = true;
    }
  }
  close(pipe_fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child ended on its own (status " << status << ") before being killed";
  ASSERT_GE(acknowledged.size(), kKillAfterAcknowledged);

  auto db = open_db();
  std::set<std::int64_t> stored;
  for (const auto& row : query_ok(*db, "SELECT id FROM ack"))
    stored.insert(row["id"].get<std::int64_t>());
  std::size_t missing = 0;
  for (const std::int64_t id : acknowledged) missing += stored.count(id) == 0 ? 1 : 0;
  EXPECT_EQ(missing, 0u) << "acknowledged " << acknowledged.size() << ", stored " << stored.size();
  // Unacknowledged commits may also be there (killed between COMMIT and the report).
  EXPECT_GE(stored.size(), acknowledged.size());
}

}  // namespace
}  // namespace agent_host::store::testing
