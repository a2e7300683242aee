// Files pixsync creates for itself are 0600 whatever the umask: the helper, and the log file
// through its rotations (Poco creates each new file; pixsync makes it private).
#include "pixsync/util/private_file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "pixsync/log.hpp"
#include "test_support.hpp"

namespace pixsync {
namespace {

namespace fs = std::filesystem;

mode_t modeOf(const fs::path& p) {
    struct stat info {};
    return ::stat(p.c_str(), &info) == 0 ? info.st_mode & 07777 : 0;
}

class PrivateFileTest : public ::testing::TestWithParam<mode_t> {
  protected:
    void SetUp() override { saved_ = ::umask(GetParam()); }
    void TearDown() override { ::umask(saved_); }
    test::TempDir dir;

  private:
    mode_t saved_ = 022;
};

TEST_P(PrivateFileTest, ANewFileIsCreated0600) {
    const int fd = openPrivateFile(dir / "new", O_WRONLY | O_TRUNC);
    ASSERT_GE(fd, 0) << std::strerror(errno);
    ::close(fd);
    EXPECT_EQ(modeOf(dir / "new"), 0600u);
    ASSERT_TRUE(createPrivateFile(dir / "other"));
    EXPECT_EQ(modeOf(dir / "other"), 0600u);
}

TEST_P(PrivateFileTest, AnExistingFileKeepsTheModeItsOwnerGaveIt) {
    test::writeFile(dir / "shared.log", "before\n");
    ::chmod((dir / "shared.log").c_str(), 0640);
    const int fd = openPrivateFile(dir / "shared.log", O_WRONLY | O_APPEND);
    ASSERT_GE(fd, 0);
    ::close(fd);
    EXPECT_EQ(modeOf(dir / "shared.log"), 0640u);
    EXPECT_EQ(test::readFile(dir / "shared.log"), "before\n") << "opened for appending";
}

TEST_P(PrivateFileTest, TheLogAndEveryFileItRotatesIntoArePrivate) {
    const fs::path file = dir / "pixsync.log";
    {
        auto output = makeRotatingFileOutput(file, 4096, 3);
        EXPECT_EQ(modeOf(file), 0600u);
        const std::string line(200, 'x');
        for (int i = 0; i < 100; ++i) output->write(LogLevel::Info, line);
    }
    ASSERT_TRUE(fs::exists(dir / "pixsync.log.0")) << "no rotation happened";
    for (const auto& entry : fs::directory_iterator(dir.path()))
        EXPECT_EQ(modeOf(entry.path()), 0600u) << entry.path().filename();
}

INSTANTIATE_TEST_SUITE_P(Umasks, PrivateFileTest, ::testing::Values(mode_t{022}, mode_t{0}),
                         [](const auto& p) { return p.param == 0 ? "umask000" : "umask022"; });

}  // namespace
}  // namespace pixsync
