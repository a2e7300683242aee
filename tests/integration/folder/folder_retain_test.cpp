// `remove_unfavorited`: the built "folder" plugin driven through the engine, which hands the
// sink each committed full listing (Sink::retain()). What a user sees in the folder after a
// favorite is removed, and everything that must never be removed.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "folder_fixture.hpp"
#include "media_fixtures.hpp"
#include "memory_state_store.hpp"
#include "pixsync/error.hpp"
#include "pixsync/host/engine.hpp"

namespace pixsync {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

/// A photo whose file in a destination folder is "2024-05-04_<name>_<id8>.jpg".
Asset favorite(const std::string& id8, const std::string& name) {
    Asset a;
    a.id = id8 + "-0000-4000-8000-000000000000";
    a.checksum = "sum-" + a.id;
    a.fileName = name + ".jpg";
    a.mimeType = "image/jpeg";
    a.kind = AssetKind::Image;
    a.takenAt = "2024-05-04T10:00:00Z";
    return a;
}

std::string fileOf(const Asset& a) {
    return "2024-05-04_" + a.fileName.substr(0, a.fileName.size() - 4) + "_" + a.id.substr(0, 8) +
           ".jpg";
}

/// A user's favorites, changed by the test between passes. Every listing holds them all;
/// only one asked for without a cursor is full, as with Immich.
class Favorites final : public Source {
  public:
    std::vector<Asset> assets;
    Listing list(const std::string& cursor) override {
        return Listing{assets, "cursor", cursor.empty()};
    }
    MediaFile fetch(const Asset&) override {
        return test::fixtureMedia("orientation-1.jpg", "image/jpeg");
    }
};

Options folderOptions(const fs::path& root, bool removeUnfavorited) {
    Options o;
    o.set("root", root.string());
    o.set("remove_unfavorited", removeUnfavorited);
    return o;
}

/// The sink, an in-memory state and the engine, as the daemon holds them.
class Sync {
  public:
    Sync(const fs::path& root, bool removeUnfavorited)
        : harness(folderOptions(root, removeUnfavorited)),
          engine(store, harness.clock(), harness.log()) {}

    void addRoute(const std::string& id, Favorites& source, const std::string& folder) {
        engine.addRoute(Route{id, id, &source, &harness.sink(), "share", {{folder, ""}}});
    }
    /// The daemon's pass a day later: a full listing of every route, then the deliveries.
    void nextDay() {
        harness.clock().advance(25h);
        for (const auto& poll : engine.pollAll()) ASSERT_TRUE(poll.ok) << poll.error;
        engine.deliverDue();
    }
    std::string log() const { return harness.logText(); }

    test::FolderHarness harness;
    test::MemoryStateStore store;
    Engine engine;
};

class FolderRetainTest : public ::testing::Test {
  protected:
    /// Jane's route into "frame", after its first pass with these favorites.
    Sync& janeSyncs(std::vector<Asset> favorites, bool removeUnfavorited = true) {
        janeSync_ = std::make_unique<Sync>(root.path(), removeUnfavorited);
        jane.assets = std::move(favorites);
        janeSync_->addRoute("jane", jane, "frame");
        janeSync_->nextDay();
        return *janeSync_;
    }
    bool exists(const std::string& folder, const Asset& a) const {
        return fs::is_regular_file(root / folder / fileOf(a));
    }
    std::string index(const std::string& folder) const {
        return test::readFile(root / folder / ".pixsync-index.json");
    }

    test::TempDir root;
    Favorites jane, john;
    std::unique_ptr<Sync> janeSync_;
    const Asset beach = favorite("aaaaaaa1", "beach");
    const Asset dog = favorite("aaaaaaa2", "dog");
    const Asset cake = favorite("aaaaaaa3", "cake");
};

TEST_F(FolderRetainTest, AnUnfavoritedPhotoGoesAfterTheNextFullListing) {
    Sync& sync = janeSyncs({beach, dog});
    ASSERT_TRUE(exists("frame", beach));
    ASSERT_TRUE(exists("frame", dog));

    jane.assets = {beach};
    sync.harness.clock().advance(1h);
    sync.engine.pollAll();  // incremental: says what changed, not what is gone
    EXPECT_TRUE(exists("frame", dog));

    sync.nextDay();
    EXPECT_FALSE(exists("frame", dog));
    EXPECT_TRUE(exists("frame", beach));
    EXPECT_EQ(index("frame").find(dog.id), std::string::npos) << index("frame");
    EXPECT_NE(
        sync.log().find("jane: removed 1 files no longer listed from " + (root / "frame").string()),
        std::string::npos)
        << sync.log();
}

TEST_F(FolderRetainTest, WithTheOptionOffEveryFileStays) {
    Sync& sync = janeSyncs({beach, dog}, false);
    jane.assets = {beach};
    sync.nextDay();
    EXPECT_TRUE(exists("frame", dog));
    EXPECT_TRUE(exists("frame", beach));
}

TEST_F(FolderRetainTest, ARouteOnlyRemovesItsOwnFilesFromASharedFolder) {
    Sync sync(root.path(), true);
    jane.assets = {beach, dog};
    john.assets = {cake};
    sync.addRoute("jane", jane, "family");
    sync.addRoute("john", john, "family");
    sync.nextDay();
    ASSERT_TRUE(exists("family", cake));

    jane.assets = {beach};  // dog goes; john's cake is not jane's to remove
    sync.nextDay();
    EXPECT_FALSE(exists("family", dog));
    EXPECT_TRUE(exists("family", beach));
    EXPECT_TRUE(exists("family", cake));

    john.assets = {favorite("aaaaaaa4", "kite")};
    sync.nextDay();
    EXPECT_FALSE(exists("family", cake));
    EXPECT_TRUE(exists("family", beach));
}

TEST_F(FolderRetainTest, APhotoTwoRoutesDeliveredStaysUntilBothDropIt) {
    Sync sync(root.path(), true);
    Asset shared = favorite("bbbbbbb1", "shared");
    shared.checksum.clear();  // without a checksum both routes deliver it
    jane.assets = {shared, beach};
    john.assets = {shared, cake};
    sync.addRoute("jane", jane, "family");
    sync.addRoute("john", john, "family");
    sync.nextDay();
    ASSERT_TRUE(exists("family", shared));

    jane.assets = {beach};
    sync.nextDay();
    EXPECT_TRUE(exists("family", shared)) << "john still has it";
    john.assets = {cake};
    sync.nextDay();
    EXPECT_FALSE(exists("family", shared));
}

TEST_F(FolderRetainTest, FilesPixsyncDidNotWriteAreNeverTouched) {
    test::writeFile(root / "frame" / "holiday.jpg", "the user's own photo");
    test::writeFile(root / "frame" / "notes" / "todo.txt", "a folder of the user's");
    Sync& sync = janeSyncs({beach, dog});
    jane.assets = {cake};
    sync.nextDay();
    EXPECT_FALSE(exists("frame", beach));
    EXPECT_FALSE(exists("frame", dog));
    EXPECT_EQ(test::filesBelow(root / "frame"),
              (std::vector<std::string>{".pixsync-index.json", fileOf(cake), "holiday.jpg",
                                        "notes/todo.txt"}));
}

TEST_F(FolderRetainTest, AnEmptyFullListingRemovesNothingAndSaysWhy) {
    Sync& sync = janeSyncs({beach, dog});
    const std::string before = index("frame");

    jane.assets = {};
    sync.nextDay();
    EXPECT_TRUE(exists("frame", beach));
    EXPECT_TRUE(exists("frame", dog));
    EXPECT_EQ(index("frame"), before);
    EXPECT_NE(sync.log().find("the full listing is empty; keeping the 2 files delivered for this "
                              "route in " +
                              (root / "frame").string()),
              std::string::npos)
        << sync.log();
    EXPECT_NE(sync.log().find("Delete them by hand"), std::string::npos) << sync.log();
}

TEST_F(FolderRetainTest, AReadOnlyFolderKeepsFilesAndIndexAndIsTriedAgain) {
    Sync& sync = janeSyncs({beach, dog});
    const std::string before = index("frame");

    jane.assets = {beach};
    fs::permissions(root / "frame", fs::perms(0555));
    {
        test::PermissionsApply permissions;
        if (!permissions.works()) {
            fs::permissions(root / "frame", fs::perms(0755));
            GTEST_SKIP() << "cannot make permissions apply to root here";
        }
        sync.nextDay();  // the engine logs the sink's error; the pass itself is fine
        sync.harness.clock().advance(25h);
        sync.engine.pollAll();  // still read-only: not logged again
    }
    fs::permissions(root / "frame", fs::perms(0755));
    EXPECT_TRUE(exists("frame", dog));
    EXPECT_EQ(index("frame"), before);
    // The user reads which file could not go, and the fix; once, not at every full listing.
    const std::string log = sync.log();
    const std::string why =
        "cannot remove " + (root / "frame" / fileOf(dog)).string() + ": Permission denied";
    const std::string fix = "make " + (root / "frame").string() + " writable";
    EXPECT_NE(log.find(why), std::string::npos) << log;
    EXPECT_NE(log.find(fix), std::string::npos) << log;
    EXPECT_EQ(log.find(why), log.rfind(why)) << "once per outage:\n" << log;

    sync.nextDay();
    EXPECT_FALSE(exists("frame", dog));
    EXPECT_TRUE(exists("frame", beach));
    EXPECT_NE(sync.log().find("can remove what is no longer listed again"), std::string::npos);
}

TEST_F(FolderRetainTest, AnIndexWithoutRoutesLoadsAndItsEntriesAreLeftAlone) {
    // An index as an earlier pixsync wrote it: no routes. "old" is no favorite now; "beach"
    // is, and the state says it was delivered, so it is not written again.
    const Asset old = favorite("ccccccc1", "old");
    test::writeFile(root / "frame" / fileOf(old), "delivered long ago");
    test::writeFile(root / "frame" / fileOf(beach), "delivered long ago");
    test::writeFile(root / "frame" / ".pixsync-index.json",
                    "{\"version\": 1, \"files\": {\"" + old.id + "\": \"" + fileOf(old) + "\", \"" +
                        beach.id + "\": \"" + fileOf(beach) + "\"}}");
    Sync sync(root.path(), true);
    sync.store.records[{"jane", beach.id, "frame"}].status = DeliveryStatus::Delivered;
    jane.assets = {beach, dog};
    sync.addRoute("jane", jane, "frame");
    sync.nextDay();
    EXPECT_EQ(test::readFile(root / "frame" / fileOf(beach)), "delivered long ago");
    EXPECT_TRUE(exists("frame", old)) << "nobody knows whose it is";
    EXPECT_NE(index("frame").find(old.id), std::string::npos) << index("frame");

    // A listed entry without a route is the listing route's from then on.
    jane.assets = {dog};
    sync.nextDay();
    EXPECT_FALSE(exists("frame", beach));
    EXPECT_TRUE(exists("frame", old));
    EXPECT_TRUE(exists("frame", dog));
}

TEST_F(FolderRetainTest, AHostileIndexCannotRemoveAnythingButItsOwnFiles) {
    const fs::path outside = test::writeFile(root / "outside.jpg", "keep me");
    test::writeFile(root / "frame" / ".hidden", "keep me too");
    test::writeFile(root / "frame" / "twice.jpg", "named by two entries");
    fs::create_directories(root / "frame" / "folder.jpg");
    test::writeFile(root / "frame" / ".pixsync-index.json", R"({"version": 2,
        "files": {"x": "../outside.jpg", "y": ".hidden", "z": "folder.jpg", "t1": "twice.jpg",
                  "t2": "twice.jpg", "i": ".pixsync-index.json"},
        "routes": {"x": ["jane"], "y": ["jane"], "z": ["jane"], "t1": ["jane"], "t2": ["john"],
                   "i": ["jane"]}})");
    test::FolderHarness h(folderOptions(root.path(), true));
    const std::string route = "jane";
    const std::vector<Asset> listed = {beach};
    h.sink().retain(RetainRequest{route, route, listed}, {{"frame", ""}});
    EXPECT_TRUE(fs::exists(outside));
    EXPECT_EQ(test::filesBelow(root / "frame"),
              (std::vector<std::string>{".hidden", ".pixsync-index.json", "twice.jpg"}));
    EXPECT_TRUE(fs::is_directory(root / "frame" / "folder.jpg"));
}

TEST_F(FolderRetainTest, AMissingRootIsUnavailableAndRemovesNothing) {
    test::FolderHarness h(folderOptions(root / "usb-stick", true));
    const std::string route = "jane";
    const std::vector<Asset> listed = {beach};
    try {
        h.sink().retain(RetainRequest{route, route, listed}, {{"frame", ""}});
        FAIL() << "expected Error(Unavailable)";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
        EXPECT_NE(std::string(e.what()).find((root / "usb-stick").string()), std::string::npos);
    }
    EXPECT_FALSE(fs::exists(root / "usb-stick"));
}

}  // namespace
}  // namespace pixsync
