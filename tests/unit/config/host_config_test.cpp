#include "config/host_config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>

#include "config/yaml_to_json.hpp"
#include "temp_dir.hpp"

namespace agent_host::config {
namespace {

using agent_host::testing::TempDir;
using nlohmann::json;
using ::testing::HasSubstr;

json minimal() {
  return json{{"service", "task-manager"}, {"plugins", {{"task-manager", json::object()}}}};
}

std::string error_of(const json& document) {
  try {
    parse_host_config(document, "host.yaml");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

std::string error_of_yaml(const std::string& yaml) {
  return error_of(yaml_to_json(yaml, "host.yaml"));
}

TEST(HostConfig, MinimalConfigGetsEveryDefault) {
  const HostConfig config = parse_host_config(minimal(), "host.yaml");
  EXPECT_EQ(config.service, "task-manager");
  EXPECT_EQ(config.http.address, "0.0.0.0");
  EXPECT_EQ(config.http.port, 8080);
  EXPECT_EQ(config.http.threads, 2);
  EXPECT_EQ(config.http.max_request_bytes, 1048576);
  EXPECT_EQ(config.http.request_timeout_ms, 30000);
  // nginx's defaults: client_header_timeout 60s, keepalive_timeout 75s.
  EXPECT_EQ(config.http.max_header_bytes, 16384);
  EXPECT_EQ(config.http.header_timeout_ms, 60000);
  EXPECT_EQ(config.http.idle_timeout_ms, 75000);
  EXPECT_EQ(config.http.max_connections, 1024);
  EXPECT_EQ(config.http.drain_timeout_ms, 10000);
  EXPECT_EQ(config.http.public_url, "");
  EXPECT_EQ(config.metrics.port, 9090);
  EXPECT_EQ(config.log.level, "info");
  EXPECT_EQ(config.log.format, "json");
  EXPECT_EQ(config.log.file.path, "");
  EXPECT_EQ(config.log.file.retention_days, 7);
  EXPECT_EQ(config.log.file.max_size_mb, 100);
  EXPECT_EQ(config.auth.api_keys_file, "");
  EXPECT_EQ(config.secrets_dir, "/etc/agent-host/secrets");
  EXPECT_EQ(config.storage.data_dir, "./data");
  EXPECT_EQ(config.storage.synchronous, "normal");
  EXPECT_TRUE(config.scheduler.enabled);
  EXPECT_EQ(config.scheduler.time_zone, "UTC");
  EXPECT_EQ(config.scheduler.job_threads, 2);
  EXPECT_TRUE(config.plugin_dirs.empty());
  EXPECT_EQ(config.llm.secret, "llm-config");
  EXPECT_EQ(config.llm.num_ctx, 4096);
  EXPECT_EQ(config.llm.timeout_ms, 120000);
  EXPECT_TRUE(config.peers.empty());
  EXPECT_EQ(config.peer_timeout_ms, 10000);
  ASSERT_EQ(config.plugins.size(), 1u);
  EXPECT_EQ(config.plugins[0].name, "task-manager");
  EXPECT_TRUE(config.plugins[0].enabled);
  EXPECT_EQ(config.plugins[0].prefix, "");
  EXPECT_EQ(config.plugins[0].config, json::object());
  EXPECT_EQ(config.raw["http"]["port"], 8080);
}

TEST(HostConfig, FullYamlIsRead) {
  const HostConfig config = parse_host_config(yaml_to_json(R"(
service: all-in-one
http: {address: 127.0.0.1, port: 0, threads: 0, public_url: "https://agents.example.com"}
log: {level: debug, format: text, file: {path: /tmp/x.log, retention_days: 3}}
scheduler: {enabled: false, time_zone: Europe/Berlin}
plugin_dirs: [/opt/plugins]
llm: {url: "http://ollama:11434", model: llama3.2}
peers:
  workflow: http://workflow.workflow.svc:8080
plugins:
  task-manager: {prefix: /tasks, config: {retention_days: 30}}
  reporting: {enabled: false}
)",
                                                           "host.yaml"),
                                              "host.yaml");
  EXPECT_EQ(config.http.address, "127.0.0.1");
  EXPECT_EQ(config.http.port, 0);
  EXPECT_EQ(config.log.level, "debug");
  EXPECT_EQ(config.log.file.retention_days, 3);
  EXPECT_EQ(config.log.file.max_size_mb, 100);
  EXPECT_FALSE(config.scheduler.enabled);
  EXPECT_EQ(config.plugin_dirs, std::vector<std::string>{"/opt/plugins"});
  EXPECT_EQ(config.peers.at("workflow"), "http://workflow.workflow.svc:8080");
  ASSERT_EQ(config.plugins.size(), 2u);
  EXPECT_EQ(config.plugins[0].name, "reporting");
  EXPECT_FALSE(config.plugins[0].enabled);
  EXPECT_EQ(config.plugins[1].prefix, "/tasks");
  EXPECT_EQ(config.plugins[1].config["retention_days"], 30);
}

// Walks the schema and hands every leaf key's path and schema to `visit`.
void for_each_leaf(const json& schema, const std::vector<std::string>& path,
                   const std::function<void(const std::vector<std::string>&, const json&)>& visit) {
  if (schema.contains("properties")) {
    for (const auto& member : schema["properties"].items()) {
      std::vector<std::string> child = path;
      child.push_back(member.key());
      for_each_leaf(member.value(), child, visit);
    }
  } else {
    visit(path, schema);
  }
}

json wrong_value_for(const json& leaf) {
  const std::string type = leaf.value("type", "");
  if (type == "string" || leaf.contains("enum")) return 12345;
  if (type == "array" || type == "object") return "not-a-container";
  return "not-a-number-or-bool";
}

TEST(HostConfig, EveryKeyRejectsAWrongType) {
  int checked = 0;
  for_each_leaf(
      host_config_schema(), {}, [&](const std::vector<std::string>& path, const json& leaf) {
        json document = minimal();
        json* slot = &document;
        std::string dotted;
        for (const std::string& key : path) {
          if (!slot->contains(key) || !(*slot)[key].is_object()) (*slot)[key] = json::object();
          slot = &(*slot)[key];
          dotted += (dotted.empty() ? "" : ".") + key;
        }
        *slot = wrong_value_for(leaf);
        const std::string error = error_of(document);
        EXPECT_THAT(error, HasSubstr("host.yaml: " + dotted + ": ")) << "key " << dotted;
        const bool names_the_type_or_values = error.find("expected ") != std::string::npos ||
                                              error.find("is not one of") != std::string::npos;
        EXPECT_TRUE(names_the_type_or_values) << dotted << " → " << error;
        ++checked;
      });
  EXPECT_GE(checked, 30);
}

TEST(HostConfig, UnknownKeysSuggestTheNearestValidOne) {
  const std::string error = error_of_yaml(
      "service: s\nhtttp: {port: 1}\nmetrics: {prot: 9}\nplugins: {a: {enabeld: true}}\n"
      "log: {file: {retention: 3}}\n");
  EXPECT_THAT(error, HasSubstr("host.yaml: htttp: unknown key (did you mean 'http'?)"));
  EXPECT_THAT(error, HasSubstr("host.yaml: metrics.prot: unknown key (did you mean 'port'?)"));
  EXPECT_THAT(error,
              HasSubstr("host.yaml: plugins.a.enabeld: unknown key (did you mean 'enabled'?)"));
  EXPECT_THAT(error, HasSubstr("host.yaml: log.file.retention: unknown key"));
}

TEST(HostConfig, NestedTypoInHttp) {
  const std::string error = error_of_yaml("service: s\nhttp: {thread: 4}\nplugins: {a: {}}\n");
  EXPECT_THAT(error, HasSubstr("host.yaml: http.thread: unknown key (did you mean 'threads'?)"));
}

TEST(HostConfig, EnumErrorsListTheAllowedValues) {
  const std::string error =
      error_of_yaml("service: s\nlog: {level: verbose, format: xml}\nplugins: {a: {}}\n");
  EXPECT_THAT(error,
              HasSubstr("log.level: \"verbose\" is not one of: trace, debug, info, warn, error"));
  EXPECT_THAT(error, HasSubstr("log.format: \"xml\" is not one of: json, text"));
}

TEST(HostConfig, EveryProblemIsOnItsOwnLineWithAFixHint) {
  const std::string error = error_of_yaml("http: {port: 70000}\nstorage: {synchronous: off}\n");
  EXPECT_THAT(error, HasSubstr("host.yaml: service: required key is missing"));
  EXPECT_THAT(error, HasSubstr("host.yaml: plugins: required key is missing"));
  EXPECT_THAT(error, HasSubstr("host.yaml: http.port: must be at most 65535, got 70000"));
  EXPECT_THAT(error, HasSubstr("host.yaml: storage.synchronous: "));
  EXPECT_EQ(std::count(error.begin(), error.end(), '\n'), 4);
  EXPECT_THAT(error, HasSubstr("check-config --config host.yaml"));
}

TEST(HostConfig, ServiceNamePattern) {
  json document = minimal();
  document["service"] = "Task_Manager";
  EXPECT_THAT(error_of(document), HasSubstr("service: \"Task_Manager\" does not match"));
}

TEST(HostConfig, AtLeastOnePluginIsRequired) {
  json document = minimal();
  document["plugins"] = json::object();
  EXPECT_THAT(error_of(document), HasSubstr("host.yaml: plugins: needs at least 1"));
}

TEST(HostConfig, PeersMustBeHttpUrls) {
  json document = minimal();
  document["peers"] = {{"workflow", "workflow.svc:8080"}, {"reporting", "https://r.example"}};
  const std::string error = error_of(document);
  EXPECT_THAT(error, HasSubstr("peers.workflow: \"workflow.svc:8080\" does not match"));
  EXPECT_THAT(error, Not(HasSubstr("peers.reporting")));
}

TEST(HostConfig, PluginAndPeerNamesAreChecked) {
  json document = minimal();
  document["plugins"]["Bad_Name"] = json::object();
  document["peers"]["Other"] = "http://x";
  const std::string error = error_of(document);
  EXPECT_THAT(error, HasSubstr("plugins.Bad_Name: is not a valid plugin name"));
  EXPECT_THAT(error, HasSubstr("peers.Other: is not a valid plugin name"));
}

// The config holds plugin names to the loader's rule, length included: a
// config that passes names only plugins that could load.
TEST(HostConfig, PluginNamesFollowTheLoadersRuleIncludingItsLength) {
  json document = minimal();
  document["plugins"][std::string(64, 'a')] = json::object();
  document["plugins"][std::string(63, 'b')] = json::object();
  const std::string error = error_of(document);
  EXPECT_THAT(error, HasSubstr(std::string(64, 'a') + ": is not a valid plugin name: the name is "
                                                      "longer than 63 characters"));
  EXPECT_THAT(error, Not(HasSubstr(std::string(63, 'b') + ": is not a valid plugin name")));
}

TEST(HostConfig, PluginPrefixMustBeAPath) {
  json document = minimal();
  document["plugins"]["task-manager"]["prefix"] = "task";
  EXPECT_THAT(error_of(document),
              HasSubstr("plugins.task-manager.prefix: \"task\" does not match"));
}

TEST(HostConfig, NonMappingDocumentIsRefused) {
  EXPECT_THAT(error_of(json::array()), HasSubstr("must be a YAML mapping"));
  EXPECT_THAT(error_of(nullptr), HasSubstr("empty document"));
}

TEST(HostConfig, EmptySectionsMeanDefaults) {
  const HostConfig config = parse_host_config(
      yaml_to_json("service: s\nhttp:\nlog:\nplugins:\n  a:\n", "h.yaml"), "h.yaml");
  EXPECT_EQ(config.http.port, 8080);
  EXPECT_EQ(config.log.level, "info");
  ASSERT_EQ(config.plugins.size(), 1u);
  EXPECT_TRUE(config.plugins[0].enabled);
}

TEST(LoadHostConfig, ReadsAFile) {
  TempDir dir{"ah-config-test"};
  const auto file = dir.write("host.yaml", "service: demo\nplugins:\n  hello: {}\n");
  EXPECT_EQ(load_host_config(file).service, "demo");
}

TEST(LoadHostConfig, MissingFileSaysToPassConfig) {
  TempDir dir{"ah-config-test"};
  try {
    load_host_config(dir.path() / "absent.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr("absent.yaml"));
    EXPECT_THAT(error.what(), HasSubstr("--config FILE"));
  }
}

TEST(LoadHostConfig, YamlSyntaxErrorNamesTheFileAndLine) {
  TempDir dir{"ah-config-test"};
  const auto file = dir.write("bad.yaml", "service: demo\nplugins:\n  hello: {\n");
  try {
    load_host_config(file);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr((dir.path() / "bad.yaml").string() + ":"));
    EXPECT_THAT(error.what(), HasSubstr("YAML syntax error"));
  }
}

TEST(LoadHostConfig, SchemaProblemsNameTheFile) {
  TempDir dir{"ah-config-test"};
  const auto file = dir.write("h.yaml", "service: demo\nplugins: {a: {}}\nhttp: {port: \"80\"}\n");
  try {
    load_host_config(file);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_THAT(error.what(), HasSubstr(file.string() +
                                        ": http.port: expected an integer, got a string (\"80\")"));
  }
}

TEST(LoadHostConfig, EveryShippedConfigIsValid) {
  int checked = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(AH_SOURCE_DIR) / "configs")) {
    if (entry.path().extension() != ".yaml") continue;
    EXPECT_NO_THROW(load_host_config(entry.path())) << entry.path();
    ++checked;
  }
  EXPECT_GE(checked, 1);
}

}  // namespace
}  // namespace agent_host::config
