// The library's file helpers: readSmallFile() bounds what it reads, AtomicFile replaces a file
// whole or not at all.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "pixsync/util/atomic_file.hpp"
#include "pixsync/util/small_file.hpp"
#include "test_support.hpp"

namespace pixsync {
namespace {

namespace fs = std::filesystem;

int errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::system_error& e) {
        return e.code().value();
    }
    return 0;
}

std::size_t filesIn(const fs::path& folder) {
    return static_cast<std::size_t>(
        std::distance(fs::directory_iterator(folder), fs::directory_iterator()));
}

TEST(ReadSmallFile, ReadsTheWholeFileUpToTheBound) {
    test::TempDir dir;
    const std::string content(70000, 'x');  // more than one read's buffer
    test::writeFile(dir / "f", content);
    EXPECT_EQ(readSmallFile(dir / "f", 70000), content);
    EXPECT_EQ(readSmallFile(test::writeFile(dir / "empty", ""), 0), "");
}

TEST(ReadSmallFile, MoreThanTheBoundIsAnErrorNamingTheFile) {
    test::TempDir dir;
    test::writeFile(dir / "f", std::string(101, 'x'));
    try {
        readSmallFile(dir / "f", 100);
        FAIL() << "a file over the bound was read";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code().value(), EFBIG);
        EXPECT_NE(std::string(e.what()).find((dir / "f").string()), std::string::npos) << e.what();
    }
}

TEST(ReadSmallFile, AnEndlessDeviceStopsAtTheBound) {
    EXPECT_EQ(errorOf([] { readSmallFile("/dev/zero", 1 << 20); }), EFBIG);
}

TEST(ReadSmallFile, MissingFilesAndFoldersAreErrorsWithTheirErrno) {
    test::TempDir dir;
    EXPECT_EQ(errorOf([&] { readSmallFile(dir / "missing", 100); }), ENOENT);
    EXPECT_EQ(errorOf([&] { readSmallFile(dir.path(), 100); }), EISDIR);
}

TEST(AtomicFile, CommitReplacesTheTargetWithTheModeAskedWhateverTheUmask) {
    test::TempDir dir;
    const fs::path target = test::writeFile(dir / "state.json", "old");
    const mode_t saved = ::umask(077);
    {
        AtomicFile file(target);
        file.write("new ");
        file.write("content");
        EXPECT_EQ(test::readFile(target), "old") << "untouched until commit";
        EXPECT_EQ(file.size(), 11u);
        file.commit(0640);
    }
    ::umask(saved);
    EXPECT_EQ(test::readFile(target), "new content");
    struct stat info {};
    ASSERT_EQ(::stat(target.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 07777, 0640u);
    EXPECT_EQ(filesIn(dir.path()), 1u) << "no temporary file is left";
}

TEST(AtomicFile, WithoutCommitTheTargetStaysAndTheTemporaryFileGoes) {
    test::TempDir dir;
    const fs::path target = test::writeFile(dir / "photo.jpg", "old");
    try {
        AtomicFile file(target, ".pixsync-tmp-");
        file.write("half a photo");
        bool prefixed = false;
        for (const auto& e : fs::directory_iterator(dir.path()))
            prefixed = prefixed || e.path().filename().string().rfind(".pixsync-tmp-", 0) == 0;
        EXPECT_TRUE(prefixed) << "the temporary file carries the prefix asked for";
        throw std::runtime_error("the download broke off");
    } catch (const std::runtime_error&) {
    }
    EXPECT_EQ(test::readFile(target), "old");
    EXPECT_EQ(filesIn(dir.path()), 1u);
}

TEST(AtomicFile, AFolderThatDoesNotExistIsAnErrorNamingIt) {
    test::TempDir dir;
    EXPECT_EQ(errorOf([&] { AtomicFile file(dir / "missing" / "f"); }), ENOENT);
}

}  // namespace
}  // namespace pixsync
