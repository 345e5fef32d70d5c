#include "files/regular_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

namespace agent_host::files {
namespace {

class RegularFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ah-files-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string refusal(const std::filesystem::path& file, std::size_t limit = 1024) {
    try {
      read_regular_file(file, limit);
    } catch (const FileError& e) {
      return e.what();
    }
    return "read";
  }
  std::filesystem::path dir_;
};

TEST_F(RegularFile, ReadsAWholeFileThroughASymlink) {
  std::ofstream(dir_ / "config.yaml") << "service: x\n";
  std::filesystem::create_symlink(dir_ / "config.yaml", dir_ / "link.yaml");
  EXPECT_EQ(read_regular_file(dir_ / "link.yaml", 1024), "service: x\n");
}

TEST_F(RegularFile, RefusesWhatIsNotARegularFileWithoutReadingIt) {
  EXPECT_NE(refusal("/dev/zero").find("/dev/zero: is a device"), std::string::npos);
  EXPECT_NE(refusal(dir_).find("is a folder"), std::string::npos);
  ASSERT_EQ(mkfifo((dir_ / "fifo").c_str(), 0600), 0);
  EXPECT_NE(refusal(dir_ / "fifo").find("is a FIFO"), std::string::npos);  // does not wait
  EXPECT_NE(refusal(dir_ / "missing").find("cannot open"), std::string::npos);
}

TEST_F(RegularFile, RefusesAFileOverTheLimit) {
  std::ofstream(dir_ / "big") << std::string(2048, 'x');
  EXPECT_NE(refusal(dir_ / "big").find("is 2048 bytes; at most 1024"), std::string::npos);
  EXPECT_EQ(read_regular_file(dir_ / "big", 2048).size(), 2048u);
}

}  // namespace
}  // namespace agent_host::files
