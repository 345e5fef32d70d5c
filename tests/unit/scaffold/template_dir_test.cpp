#include "scaffold/template_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using agent_host::scaffold::find_templates;
using agent_host::scaffold::templates_beside;

class TemplateSearch : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& dir : {option_, environment_, installed_}) {
      fs::create_directories(dir);
      std::ofstream(dir / "CMakeLists.txt") << "\n";
    }
  }

  // Declared first: the paths below are made from it.
  agent_host::testing::TempDir dir_{"ah-templates-test"};
  const fs::path root_ = dir_.path();
  fs::path option_ = root_ / "option";
  fs::path environment_ = root_ / "environment";
  fs::path executable_ = root_ / "prefix" / "bin" / "agent-host";
  fs::path installed_ = root_ / "prefix" / "share" / "agent-host" / "scaffold";
};

TEST(TemplatesBeside, TheInstalledLayout) {
  EXPECT_EQ(templates_beside("/usr/bin/agent-host"), fs::path("/usr/share/agent-host/scaffold"));
}

TEST_F(TemplateSearch, TheOptionComesFirst) {
  EXPECT_EQ(find_templates({option_.string(), environment_.string(), executable_}).found, option_);
}

TEST_F(TemplateSearch, ThenTheEnvironment) {
  EXPECT_EQ(find_templates({"", environment_.string(), executable_}).found, environment_);
}

TEST_F(TemplateSearch, ThenBesideTheExecutable) {
  EXPECT_EQ(find_templates({"", "", executable_}).found, installed_);
}

TEST_F(TemplateSearch, ANamedFolderWithoutTemplatesIsNotReplacedByAnother) {
  const fs::path wrong = root_ / "typo";
  auto search = find_templates({wrong.string(), environment_.string(), executable_});
  EXPECT_FALSE(search.found);
  EXPECT_EQ(search.looked_in, std::vector<fs::path>{wrong});
}

}  // namespace
