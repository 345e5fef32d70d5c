// The config schema is the one place of a plugin's config defaults and the
// operator's documentation of each key: every key of every bundled plugin has
// a `description`, and every key an operator may leave out has a `default`
// (the host fills it in, so plugin code reads values with .at()).
#include <agent_host/abi.h>
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

const char* const kBundledPlugins[] = {"hello", "task-manager", "workflow", "reporting"};

// The config schema a built plugin declares in its descriptor.
json declared_schema(const std::string& plugin) {
  const std::string path = std::string(AH_BINARY_DIR) + "/ah-" + plugin + ".so";
  void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library) throw std::runtime_error("cannot load " + path + ": " + dlerror());
  const auto entry = reinterpret_cast<ah_plugin_entry_fn>(dlsym(library, AH_PLUGIN_ENTRY_SYMBOL));
  if (!entry) throw std::runtime_error(path + " has no " AH_PLUGIN_ENTRY_SYMBOL);
  const char* text = entry()->config_schema_json;
  json schema = json::parse(text ? text : "null");
  dlclose(library);
  return schema;
}

bool is_required(const json& parent, const std::string& key) {
  const auto required = parent.find("required");
  if (required == parent.end()) return false;
  for (const json& name : *required)
    if (name == key) return true;
  return false;
}

// Every key below `schema` (recursively) that lacks a description or,
// being optional, a default; as "path: what is missing".
void collect_gaps(const json& schema, const std::string& path, std::vector<std::string>& gaps) {
  const auto properties = schema.find("properties");
  if (properties == schema.end()) return;
  for (const auto& [key, member] : properties->items()) {
    const std::string member_path = path.empty() ? key : path + "." + key;
    if (!member.contains("description")) gaps.push_back(member_path + ": no description");
    if (!is_required(schema, key) && !member.contains("default"))
      gaps.push_back(member_path + ": optional without a default");
    collect_gaps(member, member_path, gaps);
  }
}

TEST(BundledPluginConfig, EveryKeyHasADescriptionAndOptionalOnesADefault) {
  for (const char* plugin : kBundledPlugins) {
    const json schema = declared_schema(plugin);
    ASSERT_TRUE(schema.is_object()) << plugin << " declares no config schema";
    ASSERT_TRUE(schema.contains("properties")) << plugin;
    std::vector<std::string> gaps;
    collect_gaps(schema, "", gaps);
    for (const std::string& gap : gaps) ADD_FAILURE() << plugin << ": " << gap;
  }
}

TEST(BundledPluginConfig, TheCheckFindsAKeyWithoutDescriptionOrDefault) {
  const json schema = json::parse(R"({"type": "object", "required": ["name"], "properties": {
    "name": {"type": "string", "description": "required, so no default needed"},
    "size": {"type": "integer", "default": 3},
    "nested": {"type": "object", "default": {}, "description": "a group",
      "properties": {"depth": {"type": "integer", "description": "no default"}}}}})");
  std::vector<std::string> gaps;
  collect_gaps(schema, "", gaps);
  EXPECT_EQ(gaps, (std::vector<std::string>{"nested.depth: optional without a default",
                                            "size: no description"}));
}

}  // namespace
