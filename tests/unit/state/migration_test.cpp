// Moving from the original service: its state file is imported into SQLite once, so the
// switch resends nothing, and a corrupt one stops pixsync before anything is written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>

#include "state_test_support.hpp"

using namespace pixsync;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kUsers = {"john.doe@example.com", "jane.doe@example.com",
                                         "kid@example.com"};

std::string uuidFor(int n) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%08x-0000-4000-8000-%012x", n * 7919, n);
    return buffer;
}

/// An original-service state file: `count` ids spread over the users, as the Python service
/// writes it (indented, ids in sending order).
std::string originalState(int count, std::map<std::string, std::vector<std::string>>* ids) {
    std::string text = "{\n  \"by_user\": {\n";
    for (std::size_t u = 0; u < kUsers.size(); ++u) {
        text += "    \"" + kUsers[u] + "\": [";
        bool first = true;
        for (int i = static_cast<int>(u); i < count; i += static_cast<int>(kUsers.size())) {
            text += (first ? "\n      \"" : ",\n      \"") + uuidFor(i) + "\"";
            first = false;
            if (ids) (*ids)[kUsers[u]].push_back(uuidFor(i));
        }
        text += u + 1 < kUsers.size() ? "\n    ],\n" : "\n    ]\n";
    }
    return text + "  }\n}\n";
}

class ImportOriginal : public ::testing::Test {
  protected:
    std::unique_ptr<StateStore> open() {
        Options options;
        options.set("path", db.string());
        options.set("import_original", original.string());
        return plugin.open(options);
    }

    test::TempDir dir;
    test::StatePlugin plugin{"sqlite"};
    fs::path db = dir / "pixsync_state.db";
    fs::path original = dir / "pixstar_sync_state.json";
};

TEST_F(ImportOriginal, EveryIdIsDeliveredToEveryFrameAndTheOriginalIsUntouched) {
    std::map<std::string, std::vector<std::string>> ids;
    test::writeFile(original, originalState(5000, &ids));
    const std::string before = test::readFile(original);
    {
        auto store = open();
        std::size_t checked = 0;
        for (const auto& [user, list] : ids) {
            for (const auto& id : list) {
                ASSERT_EQ(store->status({user, id, "any-frame@mypixstar.com"}),
                          DeliveryStatus::Delivered)
                    << user << " " << id;
                ++checked;
            }
        }
        EXPECT_EQ(checked, 5000u);
        EXPECT_FALSE(store->status({"someone@example.com", uuidFor(1), "f@mypixstar.com"}));
        auto summaries = store->summarize(kUsers);
        EXPECT_EQ(summaries[0].delivered + summaries[1].delivered + summaries[2].delivered, 5000u);
        auto note = store->meta("imported_original");
        ASSERT_TRUE(note);
        EXPECT_THAT(*note, HasSubstr(original.string() + " at 2025-"));
        EXPECT_THAT(*note, HasSubstr("5000 ids for 3 routes"));
    }
    EXPECT_EQ(test::readFile(original), before);
}

TEST_F(ImportOriginal, HappensOnceThenPicksUpWhatTheOriginalAdds) {
    test::writeFile(original, originalState(30, nullptr));
    std::string firstNote;
    {
        auto store = open();
        firstNote = *store->meta("imported_original");
        // pixsync's own record of a later resend must not be overwritten by a re-import.
        QueuedDelivery resend;
        resend.key = {kUsers[0], uuidFor(0), std::string(kAllDestinations)};
        resend.asset.id = uuidFor(0);
        store->requeue({resend});
    }
    // The original service ran once more and sent another photo; pixsync already imported.
    // The import is not repeated, but what the original added is picked up (it was sent).
    test::writeFile(
        original, R"({"by_user": {"john.doe@example.com": [")" + uuidFor(0) + R"(", "new-id"]}})");
    plugin.clock().advance(std::chrono::hours(1));
    auto store = open();
    EXPECT_EQ(store->meta("imported_original"), firstNote);
    EXPECT_EQ(store->status({kUsers[0], "new-id", "f@mypixstar.com"}), DeliveryStatus::Delivered);
    EXPECT_EQ(store->status({kUsers[0], uuidFor(0), "f@mypixstar.com"}), DeliveryStatus::Queued)
        << "an id imported before keeps pixsync's own later record";
    EXPECT_EQ(store->summarize({kUsers[0]})[0].delivered, 10u);
}

TEST_F(ImportOriginal, ACorruptOriginalCreatesNoDatabase) {
    test::writeFile(original, R"({"by_user": {"john.doe@example.com": ["id1", 7]}})");
    const std::string before = test::readFile(original);
    Error e = test::errorFrom([&] { open(); });
    EXPECT_EQ(e.kind(), ErrorKind::State);
    EXPECT_THAT(e.what(), HasSubstr(original.string()));
    EXPECT_THAT(e.what(), HasSubstr("is not an asset id"));
    EXPECT_FALSE(fs::exists(db));
    EXPECT_EQ(test::readFile(original), before);
}

TEST_F(ImportOriginal, ACorruptOriginalLeavesAnExistingDatabaseUnchanged) {
    {
        auto store = plugin.open(db);  // pixsync ran before, without import_original
        DeliveryRecord r;
        r.key = {kUsers[0], "a1", "f@mypixstar.com"};
        r.at = plugin.clock().now();
        store->record(r);
    }
    const std::string dbBefore = test::readFile(db);
    test::writeFile(original, R"({"by_user": {"john.doe@example.com": ["id1", "id2")");
    Error e = test::errorFrom([&] { open(); });
    EXPECT_EQ(e.kind(), ErrorKind::State);
    EXPECT_THAT(e.what(), HasSubstr("truncated"));
    EXPECT_EQ(test::readFile(db), dbBefore);
    auto store = plugin.open(db);
    EXPECT_FALSE(store->meta("imported_original"));
    EXPECT_EQ(store->status({kUsers[0], "a1", "f@mypixstar.com"}), DeliveryStatus::Delivered);
}

TEST_F(ImportOriginal, AnUnfinishedFirstStartIsStartedAgain) {
    // A first start killed while creating the database leaves only its scratch file.
    test::writeFile(dir / "pixsync_state.db.new", "half a database");
    test::writeFile(original, originalState(30, nullptr));
    auto store = open();
    EXPECT_TRUE(store->meta("imported_original"));
    EXPECT_FALSE(fs::exists(dir / "pixsync_state.db.new"));
    EXPECT_EQ(store->summarize({kUsers[0]})[0].delivered, 10u);
}

TEST_F(ImportOriginal, AMissingOriginalImportsNothing) {
    auto store = open();
    EXPECT_FALSE(store->meta("imported_original"));
    EXPECT_EQ(store->summarize(kUsers)[0].delivered, 0u);
}

TEST_F(ImportOriginal, TheJsonStoreReadsTheSameFileTheSameWay) {
    std::map<std::string, std::vector<std::string>> ids;
    test::writeFile(original, originalState(300, &ids));
    test::StatePlugin json("json");
    auto store = json.open(original, OpenMode::ReadOnly);
    for (const auto& [user, list] : ids)
        for (const auto& id : list)
            ASSERT_EQ(store->status({user, id, "f@mypixstar.com"}), DeliveryStatus::Delivered);
}

}  // namespace

TEST_F(ImportOriginal, AReadOnlyOpenBeforeTheFirstStartSeesTheOriginalsHistory) {
    // What `pixsync once --dry-run` does before the first real start.
    std::map<std::string, std::vector<std::string>> ids;
    test::writeFile(original, originalState(30, &ids));
    Options options;
    options.set("path", db.string());
    options.set("import_original", original.string());
    auto store = plugin.open(options, OpenMode::ReadOnly);
    const auto& [user, list] = *ids.begin();
    EXPECT_EQ(store->status({user, list.front(), "f@mypixstar.com"}), DeliveryStatus::Delivered);
    EXPECT_FALSE(fs::exists(db)) << "a read-only open creates nothing";
}
