// Liveness: a failure is charged to what failed (one photo, or the whole source or sink, on
// evidence), one photo that keeps failing never holds the others, and routes take turns.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "captured_log.hpp"
#include "engine_mocks.hpp"
#include "pixsync/error.hpp"
#include "pixsync/host/engine.hpp"
#include "pixsync/host/health_model.hpp"

using namespace pixsync;
using namespace pixsync::test;
using namespace std::chrono_literals;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::NiceMock;
using ::testing::Return;

namespace {

const std::string kJohn = "john@example.com";
const std::string kJane = "jane@example.com";
const std::string kJohnsFrame = "john-frame@mypixstar.com";
const std::string kJanesFrame = "jane-frame@mypixstar.com";

/// A photo favorited at `updatedAt` (ISO 8601, as Immich writes it).
Asset favoritedAt(const std::string& id, const std::string& updatedAt) {
    Asset a = photo(id);
    a.updatedAt = updatedAt;
    return a;
}

class EngineLivenessTest : public ::testing::Test {
  protected:
    EngineLivenessTest() {
        for (auto* s : {&johns, &janes}) {
            ON_CALL(*s, fetch(_)).WillByDefault([](const Asset& a) { return mediaFor(a); });
            ON_CALL(*s, fetchFor(_, _)).WillByDefault([](const Asset& a, const auto&) {
                return mediaFor(a);
            });
        }
        ON_CALL(sink, deliver(_, _))
            .WillByDefault([this](const DeliveryRequest& r, const std::vector<Destination>& d) {
                sent.push_back(r.asset.id);
                return std::vector<Outcome>(d.size(), Outcome::delivered(r.media.size));
            });
        ON_CALL(sink, rateLimits()).WillByDefault(Return(RateLimits{}));
    }

    Engine& engine(EngineSettings s = {}, bool twoRoutes = false) {
        s.jitterSeed = 7;
        Logger log;
        log.addOutput(logged);
        engine_ = std::make_unique<Engine>(store, clock, log, s);
        engine_->addRoute(Route{kJohn, "John", &johns, &sink, "pixstar", {{kJohnsFrame, ""}}});
        if (twoRoutes)
            engine_->addRoute(Route{kJane, "Jane", &janes, &sink, "pixstar", {{kJanesFrame, ""}}});
        return *engine_;
    }
    void favorites(MockSource& source, std::vector<Asset> assets) {
        EXPECT_CALL(source, list(_))
            .WillOnce(Return(listing(std::move(assets), "c" + std::to_string(++cursor), true)));
    }
    MemoryStateStore::Record& rec(const std::string& asset, const std::string& route = kJohn,
                                  const std::string& frame = kJohnsFrame) {
        return memory.records[DeliveryKey{route, asset, frame}];
    }
    /// The source never serves `id` (HTTP 500 for it, every time); all else arrives.
    void neverServes(MockSource& source, const std::string& id) {
        ON_CALL(source, fetchFor(_, _))
            .WillByDefault([id](const Asset& a, const auto&) -> MediaFile {
                if (a.id == id) throw unavailableError("Immich failed to send it (HTTP 500)");
                return mediaFor(a);
            });
    }

    FakeClock clock;
    std::shared_ptr<CapturedLog> logged = std::make_shared<CapturedLog>();
    MemoryStateStore memory;
    NiceMock<MockStateStore> store{memory};
    NiceMock<MockSource> johns, janes;
    NiceMock<MockSink> sink;
    std::unique_ptr<Engine> engine_;
    std::vector<std::string> sent;  ///< asset ids, in the order the sink got them
    int cursor = 0;
};

}  // namespace

TEST_F(EngineLivenessTest, APhotoTheSourceCannotServeIsChargedAloneWhileTheOthersGo) {
    auto& e = engine();
    favorites(johns, {photo("a"), photo("broken"), photo("c")});
    e.pollAll();
    neverServes(johns, "broken");
    const auto r = e.deliverDue();
    EXPECT_EQ(r.delivered, 2u);
    EXPECT_EQ(r.retrying, 1u);
    EXPECT_EQ(r.held, 0u);
    EXPECT_EQ(rec("broken").attempts, 1);
    EXPECT_THAT(rec("broken").detail, HasSubstr("HTTP 500"));
    EXPECT_TRUE(e.health().ok()) << "the route stays up: only one photo fails";
}

TEST_F(EngineLivenessTest, ANewFavoriteGoesOutWhileAnotherPhotoKeepsFailing) {
    EngineSettings s;
    s.backoffBase = 1min;
    auto& e = engine(s);
    favorites(johns, {photo("broken")});
    e.pollAll();
    neverServes(johns, "broken");
    e.deliverDue();
    // The broken photo is due again together with the new favorite: the new one goes first
    // and goes out although the broken one fails again.
    clock.advance(2min);
    EXPECT_CALL(johns, list(_)).WillOnce(Return(listing({photo("new")}, "c2", false)));
    e.pollAll();
    const auto r = e.deliverDue();
    EXPECT_EQ(r.delivered, 1u);
    EXPECT_EQ(rec("new").status, DeliveryStatus::Delivered);
    EXPECT_EQ(rec("broken").attempts, 2);
}

TEST_F(EngineLivenessTest, APhotoThatNeverArrivesEndsFailedWithItsReasonWithinItsBudget) {
    EngineSettings s;
    s.maxAttempts = 4;
    auto& e = engine(s);
    favorites(johns, {photo("broken")});
    e.pollAll();
    neverServes(johns, "broken");
    TimePoint start = clock.now();
    for (int i = 0; i < 10 && rec("broken").status == DeliveryStatus::Queued; ++i) {
        e.deliverDue();
        if (auto next = e.nextDue()) clock.set(std::max(*next, clock.now()));
    }
    EXPECT_EQ(rec("broken").status, DeliveryStatus::Failed);
    EXPECT_EQ(rec("broken").attempts, 4);
    EXPECT_THAT(rec("broken").detail, HasSubstr("gave up after 4 attempts"));
    EXPECT_THAT(rec("broken").detail, HasSubstr("HTTP 500"));
    // 5 + 10 + 20 minutes of backoff (each +-20%) between the four attempts.
    EXPECT_GE(clock.now() - start, 28min);
    EXPECT_LE(clock.now() - start, 42min);
    EXPECT_TRUE(e.health().ok());
}

TEST_F(EngineLivenessTest, SeveralDifferentPhotosFailingInARowAreTheWholeSourcesFailure) {
    // One photo at a time, so that the row is exactly a, b, c (with a download ahead, c's
    // failure arrives while b is judged and b is already held).
    EngineSettings s;
    s.photosAhead = 0;
    auto& e = engine(s);
    favorites(johns, {photo("a"), photo("b"), photo("c"), photo("d")});
    e.pollAll();
    // Its own check passes, yet every download fails: evidence against the whole source
    // once three different photos failed in a row.
    ON_CALL(johns, fetchFor(_, _)).WillByDefault([](const Asset&, const auto&) -> MediaFile {
        throw unavailableError("storage offline (HTTP 500)");
    });
    const auto r = e.deliverDue();
    EXPECT_EQ(r.retrying, 2u) << "the first two were each charged one attempt";
    EXPECT_EQ(r.held, 1u);
    EXPECT_EQ(r.waiting, 1u);
    EXPECT_EQ(rec("c").attempts, 0);
    EXPECT_EQ(rec("d").attempts, 0);
    EXPECT_EQ(e.health().routes[0].state, HealthState::Held);
}

TEST_F(EngineLivenessTest, AFailureDownloadedAheadCountsInTheRowInTheOrderTheSourceAnswered) {
    auto& e = engine();  // one photo ahead
    favorites(johns, {photo("a"), photo("b"), photo("c"), photo("d")});
    e.pollAll();
    ON_CALL(johns, fetchFor(_, _)).WillByDefault([](const Asset&, const auto&) -> MediaFile {
        throw unavailableError("storage offline (HTTP 500)");
    });
    const auto r = e.deliverDue();
    EXPECT_EQ(r.retrying, 1u) << "a alone was judged before three had failed";
    EXPECT_EQ(r.held, 1u) << "c failed ahead while b was judged: b is held";
    EXPECT_EQ(rec("b").attempts, 0);
    EXPECT_EQ(e.health().routes[0].state, HealthState::Held);
}

TEST_F(EngineLivenessTest, AFailingCheckMakesTheFirstFailedDownloadTheWholeSourcesFailure) {
    auto& e = engine();
    favorites(johns, {photo("a"), photo("b")});
    e.pollAll();
    ON_CALL(johns, fetchFor(_, _)).WillByDefault([](const Asset&, const auto&) -> MediaFile {
        throw unavailableError("connection refused");
    });
    ON_CALL(johns, check(_)).WillByDefault([](CheckReport& report) {
        report.fail("immich", "connection refused", "start Immich");
    });
    const auto r = e.deliverDue();
    EXPECT_EQ(r.held, 1u);
    EXPECT_EQ(r.waiting, 1u);
    EXPECT_EQ(r.retrying, 0u);
    EXPECT_EQ(rec("a").attempts, 0);
    EXPECT_EQ(e.health().routes[0].state, HealthState::Held);
}

TEST_F(EngineLivenessTest, AFailingListingMakesADownloadFailureTheWholeSourcesAtOnce) {
    auto& e = engine();
    favorites(johns, {photo("a")});
    e.pollAll();
    EXPECT_CALL(johns, list(_)).WillOnce([](const std::string&) -> Listing {
        throw unavailableError("Immich is down");
    });
    e.pollAll();
    ON_CALL(johns, fetchFor(_, _)).WillByDefault([](const Asset&, const auto&) -> MediaFile {
        throw unavailableError("connection refused");
    });
    EXPECT_CALL(johns, check(_)).Times(0);
    EXPECT_EQ(e.deliverDue().held, 1u);
    EXPECT_EQ(rec("a").attempts, 0);
}

TEST_F(EngineLivenessTest, AfterAHoldThePhotoThatFailedLastIsTriedAfterTheOthers) {
    auto& e = engine();
    favorites(johns, {photo("a"), photo("b"), photo("c"), photo("d")});
    e.pollAll();
    bool down = true;
    ON_CALL(johns, fetchFor(_, _)).WillByDefault([&](const Asset& a, const auto&) -> MediaFile {
        if (down) throw unavailableError("storage offline");
        return mediaFor(a);
    });
    e.deliverDue();  // a, b charged; c held: the route's downloads are held
    down = false;
    ASSERT_TRUE(e.nextDue());
    clock.set(*e.nextDue());
    e.deliverDue();
    ASSERT_FALSE(sent.empty());
    EXPECT_EQ(sent.front(), "d") << "c failed last: it goes after the route's other due photo";
    EXPECT_EQ(rec("c").status, DeliveryStatus::Delivered);
    EXPECT_TRUE(e.health().ok());
}

TEST_F(EngineLivenessTest, APerMessageRefusalOfSeveralPhotosInARowHoldsTheSink) {
    auto& e = engine();
    favorites(johns, {photo("a"), photo("b"), photo("c"), photo("d")});
    e.pollAll();
    ON_CALL(sink, deliver(_, _))
        .WillByDefault(
            Return(std::vector<Outcome>{Outcome::retryLater("451 4.3.0 Temporary local problem")}));
    const auto r = e.deliverDue();
    EXPECT_EQ(r.retrying, 3u);
    EXPECT_EQ(r.waiting, 1u) << "the fourth waits for the sink";
    EXPECT_EQ(e.health().sinks[0].state, HealthState::Failing);
}

TEST_F(EngineLivenessTest, AMessageTheServerKeepsRefusingIsThatPhotosWhileOthersGo) {
    auto& e = engine();
    favorites(johns, {photo("a"), photo("refused"), photo("c")});
    e.pollAll();
    ON_CALL(sink, deliver(_, _))
        .WillByDefault([](const DeliveryRequest& r, const std::vector<Destination>& d) {
            if (r.asset.id == "refused")
                return std::vector<Outcome>{Outcome::retryLater("452 4.3.1 Insufficient storage")};
            return std::vector<Outcome>(d.size(), Outcome::delivered(1));
        });
    const auto r = e.deliverDue();
    EXPECT_EQ(r.delivered, 2u);
    EXPECT_EQ(r.retrying, 1u);
    EXPECT_EQ(e.health().sinks[0].state, HealthState::Ok);
}

TEST_F(EngineLivenessTest, RoutesTakeTurnsOnASharedSink) {
    ON_CALL(sink, rateLimits()).WillByDefault(Return(RateLimits{2, 0}));
    auto& e = engine({}, true);
    std::vector<Asset> backlog;
    for (int i = 0; i < 20; ++i) backlog.push_back(photo("old" + std::to_string(i)));
    favorites(johns, backlog);
    favorites(janes, {photo("janes")});
    e.pollAll();
    e.deliverDue();
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[1], "janes") << "Jane's only photo takes the second send slot";
    // John's backlog drains alone afterwards.
    clock.advance(61s);
    e.deliverDue();
    EXPECT_EQ(sent.size(), 4u);
}

TEST_F(EngineLivenessTest, ANewFavoriteOfAnIdleRouteGoesInTheNextFreeSlot) {
    ON_CALL(sink, rateLimits()).WillByDefault(Return(RateLimits{1, 0}));
    auto& e = engine({}, true);
    std::vector<Asset> backlog;
    for (int i = 0; i < 30; ++i) backlog.push_back(photo("old" + std::to_string(i)));
    favorites(johns, backlog);
    favorites(janes, {});
    e.pollAll();
    for (int i = 0; i < 5; ++i) {
        e.deliverDue();
        clock.advance(61s);
    }
    EXPECT_CALL(johns, list(_)).WillOnce(Return(listing({}, "c9", false)));
    EXPECT_CALL(janes, list(_)).WillOnce(Return(listing({photo("new")}, "c9", false)));
    e.pollAll();
    e.deliverDue();
    EXPECT_EQ(sent.back(), "new") << "the very next send slot, though John has 25 waiting";
}

TEST_F(EngineLivenessTest, WithinARouteTheNewestFavoriteGoesFirst) {
    auto& e = engine();
    favorites(johns, {favoritedAt("older", "2026-01-01T10:00:00.000Z"),
                      favoritedAt("newest", "2026-03-01T10:00:00.000Z"),
                      favoritedAt("middle", "2026-02-01T10:00:00.000Z")});
    e.pollAll();
    e.deliverDue();
    EXPECT_EQ(sent, (std::vector<std::string>{"newest", "middle", "older"}));
}

TEST_F(EngineLivenessTest, OldestFirstIsAnOption) {
    EngineSettings s;
    s.oldestFirst = true;
    auto& e = engine(s);
    favorites(johns, {favoritedAt("older", "2026-01-01T10:00:00.000Z"),
                      favoritedAt("newest", "2026-03-01T10:00:00.000Z"),
                      favoritedAt("middle", "2026-02-01T10:00:00.000Z")});
    e.pollAll();
    e.deliverDue();
    EXPECT_EQ(sent, (std::vector<std::string>{"older", "middle", "newest"}));
}

TEST_F(EngineLivenessTest, DeliveriesGiveWayWhenThePollComesDue) {
    auto& e = engine();
    favorites(johns, {photo("a"), photo("b"), photo("c")});
    e.pollAll();
    ON_CALL(sink, deliver(_, _))
        .WillByDefault([&](const DeliveryRequest& r, const std::vector<Destination>& d) {
            sent.push_back(r.asset.id);
            clock.advance(40s);  // a slow server
            return std::vector<Outcome>(d.size(), Outcome::delivered(1));
        });
    const auto r = e.deliverDue(UINT64_MAX, nullptr, {}, clock.now() + 60s);
    EXPECT_EQ(r.delivered, 2u) << "the second send ends past the poll's time: the pass stops";
    EXPECT_EQ(rec("c").status, DeliveryStatus::Queued);
}

TEST_F(EngineLivenessTest, AQueuedPhotoNoLongerAFavoriteIsNotSent) {
    ON_CALL(sink, rateLimits()).WillByDefault(Return(RateLimits{1, 0}));
    auto& e = engine();
    favorites(johns, {photo("a"), photo("gone")});
    e.pollAll();
    e.deliverDue();  // one send slot: the other photo waits
    const std::string waiting = sent.front() == "a" ? "gone" : "a";
    ASSERT_EQ(rec(waiting).status, DeliveryStatus::Queued);
    favorites(johns, {photo(sent.front())});  // the full listing no longer has it
    EngineSettings s;
    s.reconcileInterval = 0s;
    engine(s).pollAll();
    clock.advance(61s);
    engine_->deliverDue();
    EXPECT_EQ(sent.size(), 1u);
    EXPECT_EQ(rec(waiting).status, DeliveryStatus::Skipped);
    EXPECT_THAT(rec(waiting).detail, HasSubstr("no longer a favorite"));
}
