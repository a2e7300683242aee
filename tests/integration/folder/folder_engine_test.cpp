// The built "folder" plugin driven through the engine with an in-memory state store: what a
// user sees when the share is read-only, and that nothing is lost.

#include <gtest/gtest.h>

#include <filesystem>

#include "folder_fixture.hpp"
#include "media_fixtures.hpp"
#include "memory_state_store.hpp"
#include "pixsync/host/engine.hpp"

namespace pixsync {
namespace {

namespace fs = std::filesystem;

/// A source with one photo, served from the media fixtures.
class OnePhotoSource final : public Source {
  public:
    Listing list(const std::string&) override {
        Asset a;
        a.id = "11111111-2222-4333-8444-555555555555";
        a.checksum = "sum-1";
        a.fileName = "beach.jpg";
        a.mimeType = "image/jpeg";
        a.kind = AssetKind::Image;
        a.takenAt = "2023-08-15T12:00:00Z";
        return Listing{{a}, "cursor-1", true};
    }
    MediaFile fetch(const Asset&) override {
        return test::fixtureMedia("orientation-6.jpg", "image/jpeg");
    }
};

TEST(FolderEngineTest, AReadOnlyRootKeepsTheDeliveryQueuedUntilItIsWritable) {
    test::TempDir root;
    Options options;
    options.set("root", root.path().string());
    test::FolderHarness h(options);
    OnePhotoSource source;
    test::MemoryStateStore store;
    Engine engine(store, h.clock(), h.log());
    engine.addRoute(Route{"jane", "Jane", &source, &h.sink(), "share", {{"frame", ""}}});

    fs::permissions(root.path(), fs::perms(0555));
    DeliverReport first;
    {
        test::PermissionsApply permissions;
        if (!permissions.works()) {
            fs::permissions(root.path(), fs::perms(0755));
            GTEST_SKIP() << "cannot make permissions apply to root here";
        }
        const auto polls = engine.pollAll();
        ASSERT_EQ(polls.size(), 1u);
        ASSERT_EQ(polls[0].queued, 1u);
        first = engine.deliverDue();
    }
    fs::permissions(root.path(), fs::perms(0755));

    EXPECT_TRUE(first.sinkUnavailable);
    EXPECT_EQ(first.delivered, 0u);
    EXPECT_EQ(first.failed, 0u);
    const DeliveryKey key{"jane", "11111111-2222-4333-8444-555555555555", "frame"};
    ASSERT_TRUE(store.records.contains(key));
    EXPECT_EQ(store.records[key].status, DeliveryStatus::Queued);
    // The reason a user reads in `pixsync status` names the folder and the fix.
    EXPECT_NE(store.records[key].detail.find(root.path().string()), std::string::npos)
        << store.records[key].detail;
    EXPECT_NE(store.records[key].detail.find("writable"), std::string::npos)
        << store.records[key].detail;
    EXPECT_NE(h.logText().find("unavailable"), std::string::npos) << h.logText();

    // Once the folder is writable again the queued delivery goes out.
    h.clock().advance(std::chrono::hours(1));
    const DeliverReport second = engine.deliverDue();
    EXPECT_EQ(second.delivered, 1u);
    EXPECT_EQ(store.records[key].status, DeliveryStatus::Delivered);
    EXPECT_TRUE(fs::is_regular_file(root / "frame" / "2023-08-15_beach_11111111.jpg"));
}

TEST(FolderEngineTest, AMissingRootKeepsTheDeliveryQueued) {
    test::TempDir scratch;
    Options options;
    options.set("root", (scratch / "usb-stick").string());
    test::FolderHarness h(options);
    OnePhotoSource source;
    test::MemoryStateStore store;
    Engine engine(store, h.clock(), h.log());
    engine.addRoute(Route{"jane", "Jane", &source, &h.sink(), "share", {{"frame", ""}}});
    engine.pollAll();
    const DeliverReport report = engine.deliverDue();
    EXPECT_TRUE(report.sinkUnavailable);
    const DeliveryKey key{"jane", "11111111-2222-4333-8444-555555555555", "frame"};
    EXPECT_EQ(store.records[key].status, DeliveryStatus::Queued);

    fs::create_directories(scratch / "usb-stick");
    h.clock().advance(std::chrono::hours(1));
    EXPECT_EQ(engine.deliverDue().delivered, 1u);
    EXPECT_TRUE(
        fs::is_regular_file(scratch / "usb-stick" / "frame" / "2023-08-15_beach_11111111.jpg"));
}

}  // namespace
}  // namespace pixsync
