// The log file rotates at its size limit and keeps the configured number of old files, as
// the README promises (5 MB and 2 files by default; smaller figures here to stay quick).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "pixsync/log.hpp"
#include "test_support.hpp"

using namespace pixsync;
namespace fs = std::filesystem;

TEST(LogRotation, RotatesAtTheLimitAndKeepsTheConfiguredNumberOfFiles) {
    test::TempDir dir;
    const fs::path file = dir / "immich-pixstar.log";
    constexpr std::uint64_t kLimit = 64 * 1024;
    const std::string line(1000, 'x');
    {
        auto output = makeRotatingFileOutput(file, kLimit, 2);
        // About 5 limits' worth of lines: four or five rotations.
        for (int i = 0; i < 330; ++i) output->write(LogLevel::Info, std::to_string(i) + " " + line);
        output->write(LogLevel::Info, "the last line");
    }
    ASSERT_TRUE(fs::exists(file));
    EXPECT_TRUE(fs::exists(dir / "immich-pixstar.log.0"));
    EXPECT_TRUE(fs::exists(dir / "immich-pixstar.log.1"));
    EXPECT_FALSE(fs::exists(dir / "immich-pixstar.log.2")) << "only 2 old files are kept";
    std::size_t files = 0;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
        ++files;
        // A file is rotated once it reaches the limit: it never grows past it by more than a line.
        EXPECT_LE(fs::file_size(entry.path()), kLimit + line.size() + 16) << entry.path();
    }
    EXPECT_EQ(files, 3u);
    EXPECT_NE(test::readFile(file).find("the last line"), std::string::npos);
    EXPECT_FALSE(test::readFile(dir / "immich-pixstar.log.1").starts_with("0 xxx"))
        << "the oldest lines are gone";
}
