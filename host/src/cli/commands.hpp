// The agent-host command line: one function per subcommand, each returning the
// process exit code.
#pragma once

#include <chrono>
#include <iosfwd>
#include <string>
#include <vector>

namespace agent_host::cli {

// Parses argv and runs the chosen command.
int main(int argc, char** argv);

const char* version();

// Exit code of a host that drained and stopped because its new config changes
// what cannot change live (the plugin set, listeners, storage...): the process
// manager starts it again with the new file.
constexpr int kExitRestartForConfig = 3;

// Exit code of a host whose drain grace (http.drain_timeout_ms) ended with a
// handler still running: it exits at once rather than wait for that handler,
// so a stop is bounded whatever a plugin does. Committed writes are durable.
constexpr int kExitDrainTimedOut = 4;

// Exit code of a command refused before it changed anything: an argument that
// breaks a rule, or a destination it will not overwrite.
constexpr int kExitRefused = 2;

// Runs the host until SIGTERM/SIGINT (exit 0 after draining); SIGHUP or a
// change of the config file reloads it, or drains and exits with
// kExitRestartForConfig when the change needs a restart.
int run(const std::string& config_file);

// Validates a config and every enabled plugin's section; prints the problems.
// With `connect`, also reaches the PostgreSQL server of storage.postgres with
// the configured credentials and reports which server, user and cause failed.
int check_config(const std::string& config_file, bool connect);

// Lists the plugin files in the directories (or the config's / the defaults).
int list_plugins(const std::vector<std::string>& directories, const std::string& config_file,
                 bool as_json);

// Starts the config's plugins cut off from the outside (a scratch data folder,
// no timers, peers, HTTP, LLM or secrets) and prints the recurring jobs they
// register: "<plugin>/<job> <cron> <zone>" lines, or JSON.
int list_jobs(const std::string& config_file, bool as_json);

// What a Kubernetes CronJob runs: POST <target>/jobs/<plugin>/<job>.
int run_job(const std::string& target, const std::string& job, const std::string& api_key_file,
            std::chrono::seconds timeout);

struct NewPluginRequest {
  std::string name;       // the plugin's name, checked with the loader's rule
  std::string directory;  // where to write the project; empty = ./<name>
  std::string templates;  // --templates; empty = AH_SCAFFOLD_DIR, else beside the binary
};

// Writes a plugin project (CMake, source, unit test, README) from the SDK's
// templates. kExitRefused for an invalid name or a non-empty destination, 1
// when the templates are missing or a file cannot be written; the messages
// name the rule or the path.
int new_plugin(const NewPluginRequest& request, std::ostream& out, std::ostream& err);

}  // namespace agent_host::cli
