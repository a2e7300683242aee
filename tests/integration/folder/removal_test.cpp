// Removing the files of assets that are no longer favorites, through the index. The Sink
// interface cannot reach this, so the sink is compiled in from the plugin's sources.

#include <gtest/gtest.h>

#include <filesystem>

#include "folder_index.hpp"
#include "folder_sink.hpp"
#include "media_fixtures.hpp"
#include "pixsync/error.hpp"
#include "test_support.hpp"

namespace pixsync::folder {
namespace {

namespace fs = std::filesystem;

Asset photo(const std::string& id, const std::string& name) {
    Asset a;
    a.id = id;
    a.fileName = name;
    a.mimeType = "image/jpeg";
    a.kind = AssetKind::Image;
    a.takenAt = "2024-01-02T03:04:05Z";
    return a;
}

class FolderRemovalTest : public ::testing::Test {
  protected:
    FolderRemovalTest() {
        settings.root = root.path();
        context = std::make_unique<PluginContext>(PluginContext{"share", log, clock, temp.path()});
    }
    void deliver(FolderSink& sink, const Asset& asset) {
        const MediaFile media = test::fixtureMedia("orientation-1.jpg", "image/jpeg");
        const std::string route = "r";
        const auto outcomes =
            sink.deliver(DeliveryRequest{asset, media, route, route}, {{"frame", ""}});
        ASSERT_EQ(outcomes.at(0).kind, Outcome::Kind::Delivered) << outcomes[0].detail;
    }

    test::TempDir root, temp;
    test::FakeClock clock;
    Logger log;
    FolderSettings settings;
    std::unique_ptr<PluginContext> context;
};

TEST_F(FolderRemovalTest, RemovesOnlyFilesOfAssetsNotKept) {
    FolderSink sink(settings, *context);
    deliver(sink, photo("aaaaaaaa-1", "keep.jpg"));
    deliver(sink, photo("bbbbbbbb-2", "drop.jpg"));
    // A file the sink did not write is never touched.
    test::writeFile(root / "frame" / "mine.jpg", "the user's own file");

    EXPECT_EQ(sink.removeAllExcept({"frame", ""}, {"aaaaaaaa-1"}), 1u);
    EXPECT_TRUE(fs::exists(root / "frame" / "2024-01-02_keep_aaaaaaaa.jpg"));
    EXPECT_FALSE(fs::exists(root / "frame" / "2024-01-02_drop_bbbbbbbb.jpg"));
    EXPECT_TRUE(fs::exists(root / "frame" / "mine.jpg"));

    FolderIndex index(root / "frame", log);
    EXPECT_EQ(index.entries().size(), 1u);
    EXPECT_EQ(index.fileFor("aaaaaaaa-1"), "2024-01-02_keep_aaaaaaaa.jpg");
}

TEST_F(FolderRemovalTest, AHostileIndexCannotRemoveFilesOutsideTheFolder) {
    const fs::path outside = test::writeFile(root / "outside.txt", "keep me");
    test::writeFile(root / "frame" / ".pixsync-index.json",
                    R"({"version": 1, "files": {"x": "../outside.txt", "y": ".hidden"}})");
    test::writeFile(root / "frame" / ".hidden", "keep me too");
    FolderSink sink(settings, *context);
    EXPECT_EQ(sink.removeAllExcept({"frame", ""}, {}), 0u);
    EXPECT_TRUE(fs::exists(outside));
    EXPECT_TRUE(fs::exists(root / "frame" / ".hidden"));
}

TEST_F(FolderRemovalTest, ACorruptIndexIsReplacedNotFatal) {
    test::writeFile(root / "frame" / ".pixsync-index.json", "{ not json");
    FolderSink sink(settings, *context);
    deliver(sink, photo("cccccccc-3", "new.jpg"));
    sink.saveIndexes();
    FolderIndex index(root / "frame", log);
    EXPECT_EQ(index.fileFor("cccccccc-3"), "2024-01-02_new_cccccccc.jpg");
}

TEST_F(FolderRemovalTest, IndexNamesWithQuotesAndControlCharactersRoundTrip) {
    fs::create_directories(root / "frame");
    {
        FolderIndex index(root / "frame", log);
        index.set("id \"quoted\" \\ \n", "a.jpg");
        index.save();
    }
    FolderIndex again(root / "frame", log);
    EXPECT_EQ(again.fileFor("id \"quoted\" \\ \n"), "a.jpg");
}

}  // namespace
}  // namespace pixsync::folder
