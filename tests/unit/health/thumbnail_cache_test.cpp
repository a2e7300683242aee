// The thumbnail cache with real pictures through libvips: small JPEGs, a size bound that holds
// with the oldest dropped first, ids that are hostile file names, and a restart that keeps them.
#include "pixsync/host/thumbnail_cache.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "pixsync/host/test_picture.hpp"
#include "test_support.hpp"

using namespace pixsync;

namespace {

std::filesystem::path picture(const std::filesystem::path& dir, const std::string& name, int w,
                              int h) {
    const auto path = dir / name;
    char error[256] = {};
    EXPECT_EQ(pixsync_media_write_test_picture(path.c_str(), w, h, error, sizeof error), 0)
        << error;
    return path;
}

std::uint64_t folderBytes(const std::filesystem::path& dir) {
    std::uint64_t total = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) total += e.file_size();
    return total;
}

TEST(ThumbnailCache, KeepsASmallJpegOfEachPicture) {
    test::TempDir dir;
    ThumbnailCache cache(dir / "thumbs", 1 << 20, Logger{});
    cache.keep("a", picture(dir.path(), "a.jpg", 1024, 768));
    ASSERT_TRUE(cache.has("a"));
    const auto jpeg = cache.read("a");
    ASSERT_TRUE(jpeg);
    EXPECT_EQ(jpeg->substr(0, 2), "\xFF\xD8");
    EXPECT_LT(jpeg->size(), 64u * 1024);
    EXPECT_FALSE(cache.has("b"));
    EXPECT_FALSE(cache.read("b"));
    // A sink may hand over another format: it takes libvips' general path.
    cache.keep("png", picture(dir.path(), "p.png", 800, 600));
    ASSERT_TRUE(cache.read("png"));
    EXPECT_EQ(cache.read("png")->substr(0, 2), "\xFF\xD8");
}

TEST(ThumbnailCache, StaysUnderItsBoundDroppingTheOldestFirst) {
    test::TempDir dir;
    const auto source = picture(dir.path(), "p.jpg", 1024, 768);
    const std::uint64_t bound = 40 * 1024;
    ThumbnailCache cache(dir / "thumbs", bound, Logger{});
    for (int i = 0; i < 30; ++i) cache.keep("id-" + std::to_string(i), source);
    EXPECT_LE(cache.bytes(), bound);
    EXPECT_LE(folderBytes(dir / "thumbs"), bound);
    EXPECT_TRUE(cache.has("id-29"));  // the newest stays
    EXPECT_FALSE(cache.has("id-0"));  // the oldest went first
    // Kept across a restart, and a smaller bound drops the oldest of them.
    ThumbnailCache reopened(dir / "thumbs", bound / 2, Logger{});
    EXPECT_LE(folderBytes(dir / "thumbs"), bound / 2);
    EXPECT_TRUE(reopened.has("id-29"));
}

TEST(ThumbnailCache, HostileIdsStayInsideTheFolderAndBrokenPicturesAreSkipped) {
    test::TempDir dir;
    const auto source = picture(dir.path(), "p.jpg", 640, 480);
    ThumbnailCache cache(dir / "thumbs", 1 << 20, Logger{});
    cache.keep("../../escape", source);
    cache.keep(std::string(200, 'x'), source);  // too long to be an id: none kept
    EXPECT_TRUE(cache.has("../../escape"));
    EXPECT_FALSE(cache.has(std::string(200, 'x')));
    EXPECT_FALSE(std::filesystem::exists(dir / "escape.jpg"));
    test::writeFile(dir / "broken.jpg", "\xFF\xD8 not really");
    cache.keep("broken", dir / "broken.jpg");
    EXPECT_FALSE(cache.has("broken"));
    for (const auto& e : std::filesystem::directory_iterator(dir / "thumbs"))
        EXPECT_EQ(e.path().filename().string().rfind(".tmp-", 0), std::string::npos)
            << "a half-written file was left: " << e.path();
}

TEST(ThumbnailCache, ZeroKeepsNothing) {
    test::TempDir dir;
    ThumbnailCache cache(dir / "thumbs", 0, Logger{});
    cache.keep("a", picture(dir.path(), "a.jpg", 320, 240));
    EXPECT_FALSE(cache.has("a"));
}

}  // namespace

namespace {

/// The file name the cache keeps `id`'s thumbnail under (the id's bytes in hex).
std::string fileNameOf(const std::string& id) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : id) {
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
    return out + ".jpg";
}

// A link planted as <id>.jpg (to the .env, say) is dropped at start and never served; one
// planted while running is not followed; a file that is not a JPEG is not served either.
TEST(ThumbnailCache, LinksAndFilesThatAreNotItsOwnJpegsAreNeverServed) {
    test::TempDir dir;
    const auto secrets = test::writeFile(dir / ".env", "SMTP_PASSWORD=hunter2\n");
    const auto folder = dir / "thumbs";
    std::filesystem::create_directories(folder);
    std::filesystem::create_symlink(secrets, folder / fileNameOf("planted"));
    {
        ThumbnailCache cache(folder, 1 << 20, Logger{});
        EXPECT_FALSE(cache.has("planted"));
        EXPECT_FALSE(cache.read("planted"));
        EXPECT_FALSE(std::filesystem::is_symlink(folder / fileNameOf("planted")))
            << "the link is removed at start";
        EXPECT_TRUE(std::filesystem::exists(secrets)) << "its target is left alone";

        cache.keep("a", picture(dir.path(), "a.jpg", 640, 480));
        ASSERT_TRUE(cache.read("a"));
        // Replaced by a link while the daemon runs: not followed.
        std::filesystem::remove(folder / fileNameOf("a"));
        std::filesystem::create_symlink(secrets, folder / fileNameOf("a"));
        EXPECT_FALSE(cache.read("a"));
    }
    // A regular file that is no JPEG, planted before a start, is taken over but not served.
    std::filesystem::remove(folder / fileNameOf("a"));
    test::writeFile(folder / fileNameOf("text"), "SMTP_PASSWORD=hunter2\n");
    ThumbnailCache again(folder, 1 << 20, Logger{});
    EXPECT_FALSE(again.read("text"));
}

}  // namespace
