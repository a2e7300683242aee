// The StateStore contract, run against both built store plugins and against the in-memory
// store every engine test stands on; what only a store in files has (StateStoreFiles), against
// the plugins.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "memory_state_store.hpp"
#include "state_test_support.hpp"

using namespace pixsync;
using namespace std::chrono_literals;
using test::StatePlugin;
using ::testing::HasSubstr;

namespace {

const std::string kRoute = "john.doe@example.com";
const std::string kOtherRoute = "jane.doe@example.com";
const std::string kFrame = "john-frame@mypixstar.com";
const std::string kFrame2 = "john-frame2@mypixstar.com";

Asset photo(const std::string& id, const std::string& checksum = "") {
    Asset a;
    a.id = id;
    a.checksum = checksum.empty() ? "sum-" + id : checksum;
    a.fileName = "IMG_" + id + ".HEIC";
    a.mimeType = "image/heic";
    a.kind = AssetKind::Image;
    a.takenAt = "2025-06-01T10:00:00.000Z";
    a.updatedAt = "2025-06-02T10:00:00.000Z";
    a.owner = "owner-1";
    a.sizeBytes = 123456;
    return a;
}

QueuedDelivery queued(const std::string& route, const Asset& a, const std::string& destination,
                      TimePoint next) {
    QueuedDelivery q;
    q.key = DeliveryKey{route, a.id, destination};
    q.asset = a;
    q.nextAttempt = next;
    return q;
}

DeliveryRecord outcome(const DeliveryKey& key, DeliveryStatus status, TimePoint at,
                       const std::string& sink = "gmail") {
    DeliveryRecord r;
    r.key = key;
    r.status = status;
    r.checksum = "sum-" + key.assetId;
    r.sink = sink;
    r.attempts = 1;
    r.at = at;
    r.bytes = status == DeliveryStatus::Delivered ? 1000 : 0;
    return r;
}

/// The fixture's one in-memory store, handed out again by every open(): closing and
/// reopening it keeps its state, as a file would.
class SharedMemoryStore final : public StateStore {
  public:
    explicit SharedMemoryStore(test::MemoryStateStore& store) : s_(store) {}
    std::optional<RouteCursor> cursor(const std::string& r) override { return s_.cursor(r); }
    std::optional<DeliveryStatus> status(const DeliveryKey& k) override { return s_.status(k); }
    std::optional<DeliveryKey> findByChecksum(const std::string& d, const std::string& c) override {
        return s_.findByChecksum(d, c);
    }
    void commit(const Plan& p) override { s_.commit(p); }
    std::vector<QueuedDelivery> due(TimePoint t, std::size_t n) override { return s_.due(t, n); }
    std::optional<TimePoint> nextDue() override { return s_.nextDue(); }
    void record(const DeliveryRecord& r) override { s_.record(r); }
    void requeue(const std::vector<QueuedDelivery>& q) override { s_.requeue(q); }
    std::uint64_t countDelivered(const std::string& sink, TimePoint since) override {
        return s_.countDelivered(sink, since);
    }
    void recordPass(const PassRecord& p) override { s_.recordPass(p); }
    std::vector<RouteSummary> summarize(const std::vector<std::string>& r) override {
        return s_.summarize(r);
    }
    std::vector<RecentDelivery> recentDeliveries(std::size_t n) override {
        return s_.recentDeliveries(n);
    }
    std::optional<std::string> meta(const std::string& k) override { return s_.meta(k); }
    void setMeta(const std::string& k, const std::string& v) override { s_.setMeta(k, v); }
    void flush() override { s_.flush(); }

  private:
    test::MemoryStateStore& s_;
};

class StateStoreContract : public ::testing::TestWithParam<std::string> {
  protected:
    StateStoreContract() : path(dir / test::stateFileName(GetParam())) {
        if (!inMemory()) plugin.emplace(GetParam());
    }

    bool inMemory() const { return GetParam() == "memory"; }
    std::unique_ptr<StateStore> open(OpenMode mode = OpenMode::ReadWrite) {
        if (inMemory()) return std::make_unique<SharedMemoryStore>(memory);
        return plugin->open(path, mode);
    }
    TimePoint now() { return inMemory() ? memoryClock.now() : plugin->clock().now(); }

    test::TempDir dir;
    std::optional<StatePlugin> plugin;
    test::MemoryStateStore memory;
    test::FakeClock memoryClock;
    std::filesystem::path path;
};

/// What only a store kept in files has: locks, read-only opening, its path option.
class StateStoreFiles : public StateStoreContract {};

TEST_P(StateStoreContract, NewStateIsEmpty) {
    auto store = open();
    EXPECT_FALSE(store->cursor(kRoute));
    EXPECT_FALSE(store->status({kRoute, "a1", kFrame}));
    EXPECT_FALSE(store->findByChecksum(kFrame, "sum-a1"));
    EXPECT_TRUE(store->due(now() + 1000h, 10).empty());
    EXPECT_FALSE(store->nextDue());
    EXPECT_EQ(store->countDelivered("gmail", TimePoint{}), 0u);
    EXPECT_FALSE(store->meta("anything"));
    auto summary = store->summarize({kRoute});
    ASSERT_EQ(summary.size(), 1u);
    EXPECT_EQ(summary[0].route, kRoute);
    EXPECT_EQ(summary[0].favorites + summary[0].delivered + summary[0].queued + summary[0].failed +
                  summary[0].skipped,
              0u);
    EXPECT_FALSE(summary[0].nextAttempt);
    EXPECT_FALSE(summary[0].lastPass);
}

TEST_P(StateStoreContract, CommitRecordsFavoritesQueueSkipsAndCursor) {
    auto store = open();
    Plan plan;
    plan.route = kRoute;
    plan.listed = {photo("a1"), photo("a2"), photo("a3")};
    plan.fullListing = true;
    plan.queue = {queued(kRoute, photo("a1"), kFrame, now()),
                  queued(kRoute, photo("a2"), kFrame, now())};
    plan.skipped = {SkippedDelivery{{kRoute, "a3", kFrame}, "sum-a3", "already sent via jane"}};
    plan.cursor = RouteCursor{"2025-06-02T10:00:00.000Z", now()};
    store->commit(plan);

    EXPECT_EQ(store->status({kRoute, "a1", kFrame}), DeliveryStatus::Queued);
    EXPECT_EQ(store->status({kRoute, "a2", kFrame}), DeliveryStatus::Queued);
    EXPECT_EQ(store->status({kRoute, "a3", kFrame}), DeliveryStatus::Skipped);
    EXPECT_FALSE(store->status({kRoute, "a1", kFrame2}));
    EXPECT_FALSE(store->status({kOtherRoute, "a1", kFrame}));
    auto cursor = store->cursor(kRoute);
    ASSERT_TRUE(cursor);
    EXPECT_EQ(cursor->value, "2025-06-02T10:00:00.000Z");
    EXPECT_EQ(cursor->lastFullListing, now());
    auto s = store->summarize({kRoute})[0];
    EXPECT_EQ(s.favorites, 3u);
    EXPECT_EQ(s.queued, 2u);
    EXPECT_EQ(s.skipped, 1u);
    EXPECT_EQ(s.delivered, 0u);
    EXPECT_EQ(s.nextAttempt, now());
}

TEST_P(StateStoreContract, FullListingRetiresFavoritesMissingFromIt) {
    auto store = open();
    Plan first;
    first.route = kRoute;
    first.fullListing = true;
    first.listed = {photo("a1"), photo("a2"), photo("a3")};
    store->commit(first);
    Plan incremental;
    incremental.route = kRoute;
    incremental.listed = {photo("a4")};
    store->commit(incremental);
    EXPECT_EQ(store->summarize({kRoute})[0].favorites, 4u);
    Plan full;
    full.route = kRoute;
    full.fullListing = true;
    full.listed = {photo("a2"), photo("a4")};
    store->commit(full);
    EXPECT_EQ(store->summarize({kRoute})[0].favorites, 2u);
    // A favorite that comes back is current again.
    Plan again;
    again.route = kRoute;
    again.listed = {photo("a1")};
    store->commit(again);
    EXPECT_EQ(store->summarize({kRoute})[0].favorites, 3u);
}

TEST_P(StateStoreContract, DueIsEarliestFirstThenInInsertionOrderUpToTheLimit) {
    auto store = open();
    const TimePoint t0 = now();
    Plan plan;
    plan.route = kRoute;
    plan.queue = {queued(kRoute, photo("late"), kFrame, t0 + 10min),
                  queued(kRoute, photo("b"), kFrame, t0), queued(kRoute, photo("c"), kFrame, t0),
                  queued(kRoute, photo("early"), kFrame, t0 - 5min),
                  queued(kRoute, photo("future"), kFrame, t0 + 1h)};
    store->commit(plan);

    auto due = store->due(t0 + 10min, 10);
    ASSERT_EQ(due.size(), 4u);
    EXPECT_EQ(due[0].key.assetId, "early");
    EXPECT_EQ(due[1].key.assetId, "b");
    EXPECT_EQ(due[2].key.assetId, "c");
    EXPECT_EQ(due[3].key.assetId, "late");
    EXPECT_EQ(due[0].asset, photo("early"));  // everything needed to fetch it again
    EXPECT_EQ(due[0].nextAttempt, t0 - 5min);
    EXPECT_EQ(due[0].key, (DeliveryKey{kRoute, "early", kFrame}));

    auto limited = store->due(t0 + 10min, 2);
    ASSERT_EQ(limited.size(), 2u);
    EXPECT_EQ(limited[1].key.assetId, "b");
    EXPECT_TRUE(store->due(t0 - 6min, 10).empty());
    EXPECT_EQ(store->nextDue(), t0 - 5min);
}

TEST_P(StateStoreContract, DueForRouteIsOneRoutesQueueNewestFavoriteFirstThenThoseThatFailed) {
    auto store = open();
    const TimePoint t0 = now();
    auto favoritedAt = [](const std::string& id, const std::string& updatedAt) {
        Asset a = photo(id);
        a.updatedAt = updatedAt;
        return a;
    };
    Plan plan;
    plan.route = kRoute;
    plan.queue = {
        queued(kRoute, favoritedAt("march", "2026-03-01T00:00:00.000Z"), kFrame, t0),
        queued(kRoute, favoritedAt("january", "2026-01-01T00:00:00.000Z"), kFrame, t0),
        queued(kRoute, favoritedAt("tie-1", "2026-02-01T00:00:00.000Z"), kFrame, t0),
        queued(kRoute, favoritedAt("tie-2", "2026-02-01T00:00:00.000Z"), kFrame, t0),
        queued(kRoute, favoritedAt("failed", "2026-04-01T00:00:00.000Z"), kFrame, t0),
        queued(kRoute, favoritedAt("failed-first", "2026-01-01T00:00:00.000Z"), kFrame, t0),
        queued(kRoute, favoritedAt("later", "2026-05-01T00:00:00.000Z"), kFrame, t0 + 1h)};
    store->commit(plan);
    Plan other;
    other.route = "jane@example.com";
    other.queue = {queued(other.route, photo("janes"), kFrame, t0)};
    store->commit(other);
    DeliveryRecord retry = outcome({kRoute, "failed", kFrame}, DeliveryStatus::Queued, t0);
    retry.nextAttempt = t0 - 1min;
    store->record(retry);
    retry.key.assetId = "failed-first";
    retry.nextAttempt = t0 - 2min;
    store->record(retry);

    auto ids = [](const std::vector<QueuedDelivery>& due) {
        std::vector<std::string> out;
        for (const auto& q : due) out.push_back(q.key.assetId);
        return out;
    };
    using Ids = std::vector<std::string>;
    // Newest favorite first, ties in queue order; the one that failed last; nothing of
    // another route, nothing not yet due.
    EXPECT_EQ(ids(store->dueForRoute(kRoute, t0, 10, false)),
              (Ids{"march", "tie-1", "tie-2", "january", "failed-first", "failed"}));
    EXPECT_EQ(ids(store->dueForRoute(kRoute, t0, 10, true)),
              (Ids{"january", "tie-1", "tie-2", "march", "failed-first", "failed"}));
    EXPECT_EQ(ids(store->dueForRoute(kRoute, t0, 2, false)), (Ids{"march", "tie-1"}));
    EXPECT_EQ(ids(store->dueForRoute("jane@example.com", t0, 10, false)), (Ids{"janes"}));
    EXPECT_EQ(ids(store->dueForRoute(kRoute, t0 + 1h, 1, false)), (Ids{"later"}));
    const auto due = store->dueForRoute(kRoute, t0, 10, false);
    EXPECT_EQ(due[0].asset, favoritedAt("march", "2026-03-01T00:00:00.000Z"));
    EXPECT_EQ(due[5].attempts, 1);
    EXPECT_TRUE(store->dueForRoute("nobody", t0, 10, false).empty());
}

TEST_P(StateStoreContract, RecordDeliveredLeavesTheOutboxAndCountsForItsSink) {
    auto store = open();
    const TimePoint t0 = now();
    Plan plan;
    plan.route = kRoute;
    plan.queue = {queued(kRoute, photo("a1"), kFrame, t0), queued(kRoute, photo("a2"), kFrame, t0)};
    store->commit(plan);

    store->record(outcome({kRoute, "a1", kFrame}, DeliveryStatus::Delivered, t0 + 1s));
    store->record(outcome({kRoute, "a2", kFrame}, DeliveryStatus::Delivered, t0 + 2s, "outlook"));
    EXPECT_EQ(store->status({kRoute, "a1", kFrame}), DeliveryStatus::Delivered);
    EXPECT_TRUE(store->due(t0 + 1h, 10).empty());
    EXPECT_FALSE(store->nextDue());
    EXPECT_EQ(store->countDelivered("gmail", t0), 1u);
    EXPECT_EQ(store->countDelivered("gmail", t0 + 1s), 1u);  // "at or after"
    EXPECT_EQ(store->countDelivered("gmail", t0 + 1001ms), 0u);
    EXPECT_EQ(store->countDelivered("outlook", t0), 1u);
    EXPECT_EQ(store->countDelivered("nobody", t0), 0u);
    EXPECT_EQ(store->summarize({kRoute})[0].delivered, 2u);
}

TEST_P(StateStoreContract, RetryKeepsTheAssetAndMovesTheAttempt) {
    auto store = open();
    const TimePoint t0 = now();
    Plan plan;
    plan.route = kRoute;
    plan.queue = {queued(kRoute, photo("a1"), kFrame, t0)};
    store->commit(plan);

    DeliveryRecord retry = outcome({kRoute, "a1", kFrame}, DeliveryStatus::Queued, t0);
    retry.attempts = 1;
    retry.nextAttempt = t0 + 2min;
    retry.detail = "421 try again later";
    store->record(retry);

    EXPECT_EQ(store->status({kRoute, "a1", kFrame}), DeliveryStatus::Queued);
    EXPECT_TRUE(store->due(t0 + 1min, 10).empty());
    EXPECT_EQ(store->nextDue(), t0 + 2min);
    auto due = store->due(t0 + 2min, 10);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].attempts, 1);
    EXPECT_EQ(due[0].lastError, "421 try again later");
    EXPECT_EQ(due[0].asset, photo("a1"));
}

TEST_P(StateStoreContract, RecordForAKeyWithoutARecordCreatesIt) {
    auto store = open();
    store->record(outcome({kRoute, "a9", kFrame}, DeliveryStatus::Failed, now()));
    EXPECT_EQ(store->status({kRoute, "a9", kFrame}), DeliveryStatus::Failed);
}

TEST_P(StateStoreContract, AnExactRecordWinsOverTheRoutesWildcard) {
    auto store = open();
    const TimePoint t0 = now();
    store->record(
        outcome({kRoute, "a1", std::string(kAllDestinations)}, DeliveryStatus::Delivered, t0));
    EXPECT_EQ(store->status({kRoute, "a1", kFrame}), DeliveryStatus::Delivered);
    EXPECT_EQ(store->status({kRoute, "a1", kFrame2}), DeliveryStatus::Delivered);
    EXPECT_FALSE(store->status({kOtherRoute, "a1", kFrame}));

    store->requeue({queued(kRoute, photo("a1"), kFrame, t0)});
    EXPECT_EQ(store->status({kRoute, "a1", kFrame}), DeliveryStatus::Queued);
    EXPECT_EQ(store->status({kRoute, "a1", kFrame2}), DeliveryStatus::Delivered);
    auto s = store->summarize({kRoute})[0];
    EXPECT_EQ(s.delivered, 1u);  // the wildcard record counts once
    EXPECT_EQ(s.queued, 1u);
}

TEST_P(StateStoreContract, FindByChecksumMatchesQueuedOrDeliveredAtThatDestinationFromAnyRoute) {
    auto store = open();
    const TimePoint t0 = now();
    Plan jane;
    jane.route = kOtherRoute;
    jane.queue = {queued(kOtherRoute, photo("j1", "shared"), kFrame, t0)};
    store->commit(jane);

    auto found = store->findByChecksum(kFrame, "shared");
    ASSERT_TRUE(found);
    EXPECT_EQ(*found, (DeliveryKey{kOtherRoute, "j1", kFrame}));
    EXPECT_FALSE(store->findByChecksum(kFrame2, "shared"));
    EXPECT_FALSE(store->findByChecksum(kFrame, "other"));
    EXPECT_FALSE(store->findByChecksum(kFrame, ""));

    DeliveryRecord done = outcome({kOtherRoute, "j1", kFrame}, DeliveryStatus::Delivered, t0);
    done.checksum = "shared";
    store->record(done);
    EXPECT_TRUE(store->findByChecksum(kFrame, "shared"));

    DeliveryRecord failed = done;
    failed.status = DeliveryStatus::Failed;
    failed.detail = "too big";
    store->record(failed);
    EXPECT_FALSE(store->findByChecksum(kFrame, "shared"));  // a failure does not block a send

    Plan john;
    john.route = kRoute;
    john.skipped = {SkippedDelivery{{kRoute, "x", kFrame2}, "shared", "baseline"}};
    store->commit(john);
    EXPECT_FALSE(store->findByChecksum(kFrame2, "shared"));  // nor does a skip
}

TEST_P(StateStoreContract, RequeueIsAnExplicitResendFromAnyStatus) {
    auto store = open();
    const TimePoint t0 = now();
    DeliveryRecord failed = outcome({kRoute, "a1", kFrame}, DeliveryStatus::Failed, t0);
    failed.attempts = 5;
    failed.detail = "552 message too large";
    store->record(failed);
    store->record(outcome({kRoute, "a2", kFrame}, DeliveryStatus::Delivered, t0));

    store->requeue({queued(kRoute, photo("a1"), kFrame, t0 + 1s),
                    queued(kRoute, photo("a2"), kFrame, t0 + 2s)});
    auto due = store->due(t0 + 1h, 10);
    ASSERT_EQ(due.size(), 2u);
    EXPECT_EQ(due[0].key.assetId, "a1");
    EXPECT_EQ(due[0].attempts, 0);
    EXPECT_EQ(due[0].lastError, "");
    EXPECT_EQ(due[0].asset, photo("a1"));
    EXPECT_EQ(due[1].key.assetId, "a2");
    EXPECT_EQ(store->countDelivered("gmail", TimePoint{}), 0u);
}

TEST_P(StateStoreContract, SummaryListsRecentFailuresNewestFirst) {
    auto store = open();
    const TimePoint t0 = now();
    Plan plan;
    plan.route = kRoute;
    for (int i = 0; i < 25; ++i)
        plan.queue.push_back(queued(kRoute, photo(cat("f", i)), kFrame, t0));
    store->commit(plan);
    for (int i = 0; i < 25; ++i) {
        DeliveryRecord r = outcome({kRoute, cat("f", i), kFrame}, DeliveryStatus::Failed,
                                   t0 + std::chrono::seconds(i));
        r.detail = cat("reason ", i);
        store->record(r);
    }
    auto s = store->summarize({kRoute, kOtherRoute});
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0].failed, 25u);
    ASSERT_EQ(s[0].recentFailures.size(), 20u);
    EXPECT_EQ(s[0].recentFailures[0].key, (DeliveryKey{kRoute, "f24", kFrame}));
    EXPECT_EQ(s[0].recentFailures[0].fileName, "IMG_f24.HEIC");
    EXPECT_EQ(s[0].recentFailures[0].reason, "reason 24");
    EXPECT_EQ(s[0].recentFailures[0].at, t0 + 24s);
    EXPECT_EQ(s[0].recentFailures[19].key.assetId, "f5");
    EXPECT_EQ(s[1].route, kOtherRoute);
    EXPECT_EQ(s[1].failed, 0u);
    EXPECT_TRUE(s[1].recentFailures.empty());
}

TEST_P(StateStoreContract, RecentDeliveriesAreTheNewestOutcomesOfEveryRouteNewestFirst) {
    const TimePoint t0 = now();
    {
        auto store = open();
        for (const auto& route : {kRoute, kOtherRoute}) {
            Plan plan;
            plan.route = route;
            for (int i = 0; i < 15; ++i) {
                plan.listed.push_back(photo(cat(route[0], i)));
                plan.queue.push_back(queued(route, photo(cat(route[0], i)), kFrame, t0));
            }
            plan.queue.push_back(queued(route, photo(cat(route[0], "q")), kFrame, t0));
            plan.skipped = {
                SkippedDelivery{{route, cat(route[0], "s"), kFrame}, "sum", "baseline"}};
            store->commit(plan);
        }
        // 30 outcomes a second apart, the routes taking turns; every third one failed.
        for (int i = 0; i < 30; ++i) {
            const std::string& route = i % 2 ? kOtherRoute : kRoute;
            const bool failed = i % 3 == 0;
            DeliveryRecord r = outcome({route, cat(route[0], i / 2), kFrame},
                                       failed ? DeliveryStatus::Failed : DeliveryStatus::Delivered,
                                       t0 + std::chrono::seconds(i), i % 2 ? "gmail" : "smtp2");
            if (failed) r.detail = cat("reason ", i);
            store->record(r);
        }
        // Not outcomes: a retry still queued, and history imported from the original service.
        DeliveryRecord retry =
            outcome({kRoute, cat(kRoute[0], "q"), kFrame}, DeliveryStatus::Queued, t0 + 1h);
        retry.nextAttempt = t0 + 2h;
        store->record(retry);
        store->record(outcome({kRoute, "imported", std::string(kAllDestinations)},
                              DeliveryStatus::Delivered, t0 + 1h));
        store->flush();
        EXPECT_TRUE(store->recentDeliveries(0).empty());
    }
    for (OpenMode mode : {OpenMode::ReadWrite, OpenMode::ReadOnly}) {
        auto store = open(mode);
        auto recent = store->recentDeliveries(10);
        ASSERT_EQ(recent.size(), 10u);
        for (int n = 0; n < 10; ++n) {
            const int i = 29 - n;
            const std::string& route = i % 2 ? kOtherRoute : kRoute;
            const RecentDelivery& r = recent[static_cast<std::size_t>(n)];
            SCOPED_TRACE(cat("entry ", n, ", outcome ", i));
            EXPECT_EQ(r.key, (DeliveryKey{route, cat(route[0], i / 2), kFrame}));
            EXPECT_EQ(r.status, i % 3 == 0 ? DeliveryStatus::Failed : DeliveryStatus::Delivered);
            EXPECT_EQ(r.fileName, cat("IMG_", route[0], i / 2, ".HEIC"));
            EXPECT_EQ(r.kind, AssetKind::Image);
            EXPECT_EQ(r.sink, i % 2 ? "gmail" : "smtp2");
            EXPECT_EQ(r.at, t0 + std::chrono::seconds(i));
            EXPECT_EQ(r.detail, i % 3 == 0 ? cat("reason ", i) : "");
        }
        EXPECT_EQ(store->recentDeliveries(1000).size(), 30u);
    }
}

TEST_P(StateStoreContract, SummaryShowsTheLastPass) {
    auto store = open();
    for (int i = 0; i < 105; ++i) {
        PassRecord p;
        p.route = kRoute;
        p.started = now() + std::chrono::minutes(i);
        p.finished = p.started + 3s;
        p.fullListing = i % 2 == 0;
        p.listed = static_cast<std::uint64_t>(i);
        p.queued = 2;
        p.delivered = 1;
        p.failed = 1;
        p.error = i == 104 ? "immich unreachable" : "";
        store->recordPass(p);
    }
    auto last = store->summarize({kRoute})[0].lastPass;
    ASSERT_TRUE(last);
    EXPECT_EQ(last->route, kRoute);
    EXPECT_EQ(last->listed, 104u);
    EXPECT_TRUE(last->fullListing);
    EXPECT_EQ(last->started, now() + 104min);
    EXPECT_EQ(last->finished, now() + 104min + 3s);
    EXPECT_EQ(last->queued, 2u);
    EXPECT_EQ(last->delivered, 1u);
    EXPECT_EQ(last->failed, 1u);
    EXPECT_EQ(last->error, "immich unreachable");
    EXPECT_FALSE(store->summarize({kOtherRoute})[0].lastPass);
}

TEST_P(StateStoreContract, MetaHoldsSmallSettings) {
    auto store = open();
    store->setMeta("pause.gmail", "1760000000000");
    store->setMeta("note", "first");
    store->setMeta("note", "second");
    EXPECT_EQ(store->meta("pause.gmail"), "1760000000000");
    EXPECT_EQ(store->meta("note"), "second");
    EXPECT_FALSE(store->meta("missing"));
}

TEST_P(StateStoreContract, EverythingSurvivesClosingAndReopening) {
    const TimePoint t0 = now();
    {
        auto store = open();
        Plan plan;
        plan.route = kRoute;
        plan.fullListing = true;
        plan.listed = {photo("a1"), photo("a2"), photo("a3")};
        plan.queue = {queued(kRoute, photo("a1"), kFrame, t0),
                      queued(kRoute, photo("a2"), kFrame, t0 + 1min)};
        plan.skipped = {SkippedDelivery{{kRoute, "a3", kFrame}, "sum-a3", "duplicate"}};
        plan.cursor = RouteCursor{"cursor-1", t0};
        store->commit(plan);
        store->record(outcome({kRoute, "a1", kFrame}, DeliveryStatus::Delivered, t0 + 5s));
        store->record(
            outcome({kRoute, "old", std::string(kAllDestinations)}, DeliveryStatus::Delivered, t0));
        PassRecord pass;
        pass.route = kRoute;
        pass.listed = 3;
        pass.started = t0;
        store->recordPass(pass);
        store->setMeta("k", "v");
        store->flush();
    }
    auto store = open();
    EXPECT_EQ(store->status({kRoute, "a1", kFrame}), DeliveryStatus::Delivered);
    EXPECT_EQ(store->status({kRoute, "a2", kFrame}), DeliveryStatus::Queued);
    EXPECT_EQ(store->status({kRoute, "a3", kFrame}), DeliveryStatus::Skipped);
    EXPECT_EQ(store->status({kRoute, "old", kFrame2}), DeliveryStatus::Delivered);
    EXPECT_EQ(store->cursor(kRoute)->value, "cursor-1");
    EXPECT_EQ(store->cursor(kRoute)->lastFullListing, t0);
    EXPECT_EQ(store->countDelivered("gmail", t0), 2u);
    EXPECT_EQ(store->countDelivered("gmail", t0 + 1s), 1u);
    EXPECT_EQ(store->findByChecksum(kFrame, "sum-a2"), (DeliveryKey{kRoute, "a2", kFrame}));
    auto due = store->due(t0 + 1h, 10);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].asset, photo("a2"));
    EXPECT_EQ(store->nextDue(), t0 + 1min);
    auto s = store->summarize({kRoute})[0];
    EXPECT_EQ(s.favorites, 3u);
    EXPECT_EQ(s.delivered, 2u);
    EXPECT_EQ(s.queued, 1u);
    EXPECT_EQ(s.skipped, 1u);
    ASSERT_TRUE(s.lastPass);
    EXPECT_EQ(s.lastPass->listed, 3u);
    EXPECT_EQ(store->meta("k"), "v");
}

TEST_P(StateStoreFiles, FlushMakesBatchedOutcomesVisibleToAReader) {
    auto store = open();
    store->record(outcome({kRoute, "a1", kFrame}, DeliveryStatus::Delivered, now()));
    store->flush();
    auto reader = open(OpenMode::ReadOnly);
    EXPECT_EQ(reader->status({kRoute, "a1", kFrame}), DeliveryStatus::Delivered);
}

TEST_P(StateStoreFiles, ReadOnlyReadsWithoutLockingAndRefusesWrites) {
    auto writer = open();
    writer->record(outcome({kRoute, "a1", kFrame}, DeliveryStatus::Delivered, now()));
    writer->flush();
    auto reader = open(OpenMode::ReadOnly);  // while the writer holds the lock
    EXPECT_EQ(reader->summarize({kRoute})[0].delivered, 1u);
    Error e = test::errorFrom([&] {
        reader->record(outcome({kRoute, "a2", kFrame}, DeliveryStatus::Delivered, now()));
    });
    EXPECT_EQ(e.kind(), ErrorKind::Internal);
    EXPECT_THAT(e.what(), HasSubstr("read-only"));
    EXPECT_THROW(reader->setMeta("k", "v"), Error);
    EXPECT_THROW(reader->commit(Plan{}), Error);
}

TEST_P(StateStoreFiles, ReadOnlyOnAMissingStateIsEmptyAndCreatesNothing) {
    auto reader = open(OpenMode::ReadOnly);
    EXPECT_FALSE(reader->status({kRoute, "a1", kFrame}));
    EXPECT_EQ(reader->summarize({kRoute})[0].delivered, 0u);
    EXPECT_FALSE(std::filesystem::exists(path));
    EXPECT_FALSE(std::filesystem::exists(path.string() + ".lock"));
}

TEST_P(StateStoreFiles, ASecondWriterIsRefused) {
    auto writer = open();
    Error e = test::errorFrom([&] { open(); });
    EXPECT_EQ(e.kind(), ErrorKind::Locked);
    EXPECT_THAT(e.what(), HasSubstr(path.string() + " is in use by another pixsync (pid " +
                                    std::to_string(::getpid()) + ")"));
    writer.reset();
    EXPECT_NO_THROW(open());  // released with the store
}

TEST_P(StateStoreFiles, TheLockFileNamesTheWriter) {
    auto writer = open();
    EXPECT_EQ(trim(test::readFile(path.string() + ".lock")), std::to_string(::getpid()));
}

TEST_P(StateStoreFiles, AMissingFolderIsAStateErrorNamingIt) {
    Error e = test::errorFrom([&] { plugin->open(dir / "no-such-folder" / "state"); });
    EXPECT_EQ(e.kind(), ErrorKind::State);
    EXPECT_THAT(e.what(), HasSubstr("no-such-folder"));
    EXPECT_THAT(e.what(), HasSubstr("does not exist"));
}

TEST_P(StateStoreFiles, ThePathOptionIsRequired) {
    Error e = test::errorFrom([&] { plugin->open(Options{}); });
    EXPECT_EQ(e.kind(), ErrorKind::Config);
    EXPECT_THAT(e.what(), HasSubstr("path"));
}

INSTANTIATE_TEST_SUITE_P(Stores, StateStoreContract, ::testing::Values("sqlite", "json", "memory"),
                         [](const auto& p) { return p.param; });
INSTANTIATE_TEST_SUITE_P(Stores, StateStoreFiles, ::testing::Values("sqlite", "json"),
                         [](const auto& p) { return p.param; });

}  // namespace
