// The command's refusals: each names the rule or the path, exits 2 and writes
// nothing; missing templates name where they were looked for.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/commands.hpp"
#include "temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using agent_host::cli::kExitRefused;
using agent_host::cli::new_plugin;
using agent_host::cli::NewPluginRequest;

class NewPluginCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(templates_ / "src");
    write(templates_ / "CMakeLists.txt", "project(SCAFFOLD_PLUGIN_NAME)\n");
    write(templates_ / "src" / "plugin.cpp", "namespace SCAFFOLD_NAMESPACE {}\n");
  }

  static void write(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }
  static std::string read(const fs::path& file) {
    std::ostringstream text;
    text << std::ifstream(file).rdbuf();
    return text.str();
  }

  int run(const std::string& name, const fs::path& dir) {
    return new_plugin(NewPluginRequest{name, dir.string(), templates_.string()}, out_, err_);
  }

  // Declared first: the paths below are made from it.
  agent_host::testing::TempDir dir_{"ah-new-plugin-test"};
  const fs::path root_ = dir_.path();
  fs::path templates_ = root_ / "templates";
  std::ostringstream out_, err_;
};

TEST_F(NewPluginCommand, WritesTheRenderedTemplatesIntoTheDirectory) {
  ASSERT_EQ(run("demo-notes", root_ / "project"), 0) << err_.str();
  EXPECT_EQ(read(root_ / "project" / "CMakeLists.txt"), "project(demo-notes)\n");
  EXPECT_EQ(read(root_ / "project" / "src" / "plugin.cpp"), "namespace demo_notes_plugin {}\n");
  EXPECT_NE(out_.str().find("src/plugin.cpp"), std::string::npos) << out_.str();
}

TEST_F(NewPluginCommand, AnEmptyDirectoryIsUsed) {
  fs::create_directories(root_ / "empty");
  EXPECT_EQ(run("demo", root_ / "empty"), 0) << err_.str();
  EXPECT_TRUE(fs::exists(root_ / "empty" / "CMakeLists.txt"));
}

TEST_F(NewPluginCommand, AnUpperCaseStartIsRefusedNamingTheRule) {
  EXPECT_EQ(run("Demo", root_ / "project"), kExitRefused);
  EXPECT_NE(err_.str().find("\"Demo\" is not a valid plugin name: the name must start with a "
                            "letter a-z"),
            std::string::npos)
      << err_.str();
  EXPECT_NE(err_.str().find("lower-case letters, digits and '-', starting with a letter"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(root_ / "project"));
}

TEST_F(NewPluginCommand, AnUnderscoreIsRefusedNamingTheCharacter) {
  EXPECT_EQ(run("demo_notes", root_ / "project"), kExitRefused);
  EXPECT_NE(err_.str().find("may hold only a-z, 0-9 and '-' (found '_')"), std::string::npos)
      << err_.str();
  EXPECT_FALSE(fs::exists(root_ / "project"));
}

TEST_F(NewPluginCommand, ALeadingDigitAndAnEmptyNameAreRefused) {
  EXPECT_EQ(run("1demo", root_ / "a"), kExitRefused);
  EXPECT_EQ(run("", root_ / "b"), kExitRefused);
  EXPECT_NE(err_.str().find("the name is empty"), std::string::npos) << err_.str();
}

TEST_F(NewPluginCommand, ANonEmptyDirectoryIsRefusedNamingItAndLeftAlone) {
  fs::create_directories(root_ / "taken");
  write(root_ / "taken" / "CMakeLists.txt", "mine\n");
  EXPECT_EQ(run("demo", root_ / "taken"), kExitRefused);
  EXPECT_NE(err_.str().find((root_ / "taken").string() + " is not empty; refusing to overwrite it"),
            std::string::npos)
      << err_.str();
  EXPECT_EQ(read(root_ / "taken" / "CMakeLists.txt"), "mine\n");
}

TEST_F(NewPluginCommand, AFileInTheWayIsRefused) {
  write(root_ / "file", "");
  EXPECT_EQ(run("demo", root_ / "file"), kExitRefused);
  EXPECT_NE(err_.str().find("exists and is not a directory"), std::string::npos) << err_.str();
}

TEST_F(NewPluginCommand, MissingTemplatesNameWhereTheyWereLookedForAndThePackage) {
  templates_ = root_ / "no-templates";
  EXPECT_EQ(run("demo", root_ / "project"), 1);
  EXPECT_NE(err_.str().find("looked in: " + templates_.string()), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("agent-host-sdk package"), std::string::npos);
  EXPECT_FALSE(fs::exists(root_ / "project"));
}

}  // namespace
