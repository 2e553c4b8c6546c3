// The chaos tests' fixture base: each test gets its own folder under the system temp dir,
// removed when the test passes and kept (its path on stderr) when it fails, so the worlds and
// stores of a failed run can be inspected.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>

namespace idsync::chaos {

class WorldDirTest : public ::testing::Test {
 protected:
  // `name` names the folder (idsync-<name>-XXXXXX) and the kept-on-failure message.
  explicit WorldDirTest(std::string name) : name_(std::move(name)) {}

  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / ("idsync-" + name_ + "-XXXXXX")).string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
  }
  void TearDown() override {
    if (!HasFailure()) {
      std::error_code ec;
      std::filesystem::remove_all(root_, ec);
    } else {
      std::fprintf(stderr, "%s: the worlds are kept in %s\n", name_.c_str(), root_.c_str());
    }
  }

  std::filesystem::path root_;

 private:
  std::string name_;
};

}  // namespace idsync::chaos
