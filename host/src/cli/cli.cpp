#include <agent_host/abi.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.hpp"

namespace agent_host::cli {

const char* version() {
  return AH_VERSION;
}

int main(int argc, char** argv) {
  CLI::App app{"agent-host: runs AI-employee agent plugins (HTTP, metrics, logs, jobs, storage)",
               "agent-host"};
  // The product version, then the plugin ABI it speaks: two numbers, each named.
  app.set_version_flag("--version", std::string("agent-host ") + version() + " (ABI " +
                                        std::to_string(AH_ABI_MAJOR) + "." +
                                        std::to_string(AH_ABI_MINOR) + ")");
  app.require_subcommand(0, 1);

  std::string config_file;
  app.add_option("-c,--config", config_file, "Run the host with this YAML config file");

  auto* check = app.add_subcommand("check-config",
                                   "Validate a config file and every enabled plugin's section");
  std::string check_file;
  check->add_option("file", check_file, "The YAML config file")->required();
  bool check_connect = false;
  check->add_flag("--connect", check_connect,
                  "Also reach what the host needs at start: the storage backend "
                  "(PostgreSQL) and the mounted secrets plugin settings name");

  auto* plugins = app.add_subcommand("plugins", "List plugin files with name, version and ABI");
  std::vector<std::string> plugin_dirs;
  std::string plugins_config;
  bool plugins_json = false;
  plugins->add_option("--plugin-dir", plugin_dirs, "A directory to scan (repeatable)");
  plugins->add_option("--config", plugins_config, "Scan the plugin_dirs of this config");
  plugins->add_flag("--json", plugins_json, "Print JSON");

  auto* jobs = app.add_subcommand(
      "jobs", "List the recurring jobs the config's plugins register (what CronJobs must run)");
  std::string jobs_config;
  bool jobs_json = false;
  jobs->add_option("--config", jobs_config, "The YAML config file")->required();
  jobs->add_flag("--json", jobs_json, "Print JSON");

  auto* job = app.add_subcommand(
      "run-job", "Trigger a plugin's scheduled job on a running host (for CronJobs)");
  std::string target, job_name, key_file;
  int timeout_seconds = 600;
  job->add_option("--target", target,
                  "Base URL of the host, e.g. http://reporting-agent.reporting.svc:8080")
      ->required();
  job->add_option("job", job_name, "<plugin>/<job>, e.g. reporting/weekly-report")->required();
  job->add_option("--api-key-file", key_file, "File whose first key is sent as a Bearer token");
  job->add_option("--timeout", timeout_seconds, "Seconds to wait for the job (default 600)");

  auto* scaffold = app.add_subcommand(
      "new-plugin", "Write a new plugin project (CMake, source, unit test, README) to start from");
  NewPluginRequest new_plugin_request;
  scaffold->add_option("name", new_plugin_request.name, "The plugin's name, e.g. demo-notes")
      ->required();
  scaffold->add_option("--dir", new_plugin_request.directory,
                       "Where to write it (default ./NAME); must be absent or empty");
  scaffold->add_option("--templates", new_plugin_request.templates,
                       "The templates folder (default $AH_SCAFFOLD_DIR, else "
                       "share/agent-host/scaffold beside the binary's bin/)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every usage error 2, as documented.
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (*check) return check_config(check_file, check_connect);
  if (*plugins) return list_plugins(plugin_dirs, plugins_config, plugins_json);
  if (*jobs) return list_jobs(jobs_config, jobs_json);
  if (*scaffold) return new_plugin(new_plugin_request, std::cout, std::cerr);
  if (*job) return run_job(target, job_name, key_file, std::chrono::seconds(timeout_seconds));
  if (config_file.empty()) {
    std::cerr
        << "agent-host: no config given; run with --config FILE (try configs/all-in-one.yaml), "
           "or see --help\n";
    return 2;
  }
  return run(config_file);
}

}  // namespace agent_host::cli
