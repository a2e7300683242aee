// The JSON store's file stays the original service's file: `by_user` lists what was sent,
// so the original could run on it again and resend nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "state_test_support.hpp"

using namespace pixsync;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

namespace {

const std::string kRoute = "john.doe@example.com";

class JsonFile : public ::testing::Test {
  protected:
    std::unique_ptr<StateStore> open(std::int64_t batchSize = 200) {
        Options options;
        options.set("path", file.string());
        options.set("batch_size", batchSize);
        return plugin.open(options);
    }
    /// What the original (Python) service sees: by_user[route], sorted.
    std::string sentAsThePythonServiceReadsIt(const std::string& route) {
        auto result = test::run({test::python(), "-c",
                                 "import json, sys\n"
                                 "state = json.load(open(sys.argv[1]))\n"
                                 "print(','.join(sorted(state['by_user'].get(sys.argv[2], []))))\n",
                                 file.string(), route});
        EXPECT_EQ(result.exitCode, 0) << result.err;
        return trim(result.out);
    }
    DeliveryRecord delivered(const std::string& asset, const std::string& frame) {
        DeliveryRecord r;
        r.key = {kRoute, asset, frame};
        r.status = DeliveryStatus::Delivered;
        r.sink = "gmail";
        r.at = plugin.clock().now();
        return r;
    }

    test::TempDir dir;
    test::StatePlugin plugin{"json"};
    fs::path file = dir / "pixstar_sync_state.json";
};

TEST_F(JsonFile, AnAssetIsListedAsSentOnceNoFrameIsWaitingForIt) {
    auto store = open(1);
    Plan plan;
    plan.route = kRoute;
    for (const char* frame : {"f1@mypixstar.com", "f2@mypixstar.com"}) {
        QueuedDelivery q;
        q.key = {kRoute, "a1", frame};
        q.asset.id = "a1";
        plan.queue.push_back(q);
    }
    store->commit(plan);
    store->record(delivered("a1", "f1@mypixstar.com"));
    EXPECT_EQ(sentAsThePythonServiceReadsIt(kRoute), "");  // f2 still queued

    DeliveryRecord failed = delivered("a1", "f2@mypixstar.com");
    failed.status = DeliveryStatus::Failed;
    failed.detail = "552 too large";
    store->record(failed);
    EXPECT_EQ(sentAsThePythonServiceReadsIt(kRoute), "");  // f2 failed: a retry could send it

    store->record(delivered("a1", "f2@mypixstar.com"));
    store->record(delivered("a2", "f1@mypixstar.com"));
    EXPECT_EQ(sentAsThePythonServiceReadsIt(kRoute), "a1,a2");
}

TEST_F(JsonFile, SkippedAssetsAreListedSoTheOriginalDoesNotSendThemEither) {
    auto store = open(1);
    Plan plan;
    plan.route = kRoute;
    plan.skipped = {SkippedDelivery{{kRoute, "baseline", std::string(kAllDestinations)},
                                    "s1",
                                    "favorited before pixsync started (start from now)"},
                    SkippedDelivery{{kRoute, "dup", "f1@mypixstar.com"}, "s2", "sent via jane"}};
    QueuedDelivery q;
    q.key = {kRoute, "dup", "f2@mypixstar.com"};
    q.asset.id = "dup";
    plan.queue = {q};
    store->commit(plan);
    store->flush();
    EXPECT_EQ(sentAsThePythonServiceReadsIt(kRoute), "baseline");  // "dup" still owed to f2
    store->record(delivered("dup", "f2@mypixstar.com"));
    EXPECT_EQ(sentAsThePythonServiceReadsIt(kRoute), "baseline,dup");
}

TEST_F(JsonFile, OriginalIdsStayListedAndNewOnesAreAdded) {
    test::writeFile(
        file, R"({"by_user": {"john.doe@example.com": ["old1", "old2"], "jane@example.com": []}})");
    {
        auto store = open();
        store->record(delivered("new1", "f1@mypixstar.com"));
    }
    EXPECT_EQ(sentAsThePythonServiceReadsIt(kRoute), "new1,old1,old2");
    EXPECT_THAT(test::readFile(file), HasSubstr("\"jane@example.com\":[]"));
}

TEST_F(JsonFile, IdsTheOriginalServiceAddedLaterCoverEveryFrame) {
    {
        auto store = open();
        store->record(delivered("a1", "f1@mypixstar.com"));
    }
    // The original service was started again on the same file and sent "b1".
    auto result = test::run({test::python(), "-c",
                             "import json, sys\n"
                             "state = json.load(open(sys.argv[1]))\n"
                             "state['by_user'][sys.argv[2]].append('b1')\n"
                             "json.dump(state, open(sys.argv[1], 'w'), indent=2)\n",
                             file.string(), kRoute});
    ASSERT_EQ(result.exitCode, 0) << result.err;
    auto store = open();
    EXPECT_EQ(store->status({kRoute, "b1", "f9@mypixstar.com"}), DeliveryStatus::Delivered);
    EXPECT_EQ(store->status({kRoute, "a1", "f1@mypixstar.com"}), DeliveryStatus::Delivered);
    EXPECT_FALSE(store->status({kRoute, "a1", "f2@mypixstar.com"}));  // pixsync's own record rules
}

TEST_F(JsonFile, KeysOfOtherProgramsAreKept) {
    test::writeFile(file,
                    R"({"by_user": {}, "last_run": "2025-01-01", "extra": {"n": [1, 2.5, null]}})");
    {
        auto store = open();
        store->record(delivered("a1", "f1@mypixstar.com"));
    }
    const std::string text = test::readFile(file);
    EXPECT_THAT(text, HasSubstr(R"("last_run":"2025-01-01")"));
    EXPECT_THAT(text, HasSubstr(R"("extra":{"n":[1,2.5,null]})"));
}

TEST_F(JsonFile, OutcomesAreWrittenInBatchesAndOnFlush) {
    auto store = open(3);
    store->record(delivered("a1", "f@mypixstar.com"));
    store->record(delivered("a2", "f@mypixstar.com"));
    EXPECT_FALSE(fs::exists(file));
    store->record(delivered("a3", "f@mypixstar.com"));
    ASSERT_TRUE(fs::exists(file));
    EXPECT_EQ(sentAsThePythonServiceReadsIt(kRoute), "a1,a2,a3");
    store->record(delivered("a4", "f@mypixstar.com"));
    EXPECT_EQ(sentAsThePythonServiceReadsIt(kRoute), "a1,a2,a3");
    store->flush();
    EXPECT_EQ(sentAsThePythonServiceReadsIt(kRoute), "a1,a2,a3,a4");
}

TEST_F(JsonFile, ClosingWritesWhatIsPending) {
    {
        auto store = open();
        store->record(delivered("a1", "f@mypixstar.com"));
    }
    EXPECT_EQ(sentAsThePythonServiceReadsIt(kRoute), "a1");
}

TEST_F(JsonFile, ReplacingLeavesNoTemporaryFiles) {
    auto store = open(1);
    for (int i = 0; i < 5; ++i) store->record(delivered(cat("a", i), "f@mypixstar.com"));
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir.path()))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    EXPECT_THAT(names, ElementsAre("pixstar_sync_state.json", "pixstar_sync_state.json.lock"));
}

TEST_F(JsonFile, AnUnfinishedRewriteOfAKilledWriterIsCleanedUp) {
    test::writeFile(file, R"({"by_user": {"john.doe@example.com": ["a1"]}})");
    test::writeFile(dir / "pixstar_sync_state.json.tmp-Ab12Cd", R"({"by_user": {"john.doe@exa)");
    test::writeFile(dir / "unrelated.json.tmp-Ab12Cd", "keep me");
    auto store = open();
    EXPECT_EQ(store->status({kRoute, "a1", "f@mypixstar.com"}), DeliveryStatus::Delivered);
    EXPECT_FALSE(fs::exists(dir / "pixstar_sync_state.json.tmp-Ab12Cd"));
    EXPECT_TRUE(fs::exists(dir / "unrelated.json.tmp-Ab12Cd"));
}

TEST_F(JsonFile, TheFileKeepsItsPermissions) {
    test::writeFile(file, R"({"by_user": {}})");
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    auto store = open(1);
    store->record(delivered("a1", "f@mypixstar.com"));
    EXPECT_EQ(fs::status(file).permissions(),
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
}

TEST_F(JsonFile, ABadBatchSizeIsAConfigError) {
    Error e = test::errorFrom([&] { open(0); });
    EXPECT_EQ(e.kind(), ErrorKind::Config);
    EXPECT_THAT(e.what(), HasSubstr("batch_size"));
}

}  // namespace
