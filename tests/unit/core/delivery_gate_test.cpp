// The delivery gate on its own: quota pauses kept with the state, rate windows, holds and
// outages, with an in-memory store and a fake clock.
#include "delivery_gate.hpp"

#include <gtest/gtest.h>

#include "memory_state_store.hpp"
#include "test_support.hpp"

using namespace pixsync;
using namespace pixsync::test;
using namespace std::chrono_literals;

namespace {

class DeliveryGateTest : public ::testing::Test {
  protected:
    /// Holds last one minute per failure in a row; the failure counts are kept for asserts.
    DeliveryGate makeGate() {
        return DeliveryGate(store, clock, [this](int failures) {
            holdFailures.push_back(failures);
            return Duration(std::chrono::minutes(failures));
        });
    }
    void delivered(int n) {
        for (int i = 0; i < n; ++i)
            store.record({{"john", "a" + std::to_string(i), "frame"},
                          DeliveryStatus::Delivered,
                          "",
                          "pixstar",
                          1,
                          clock.now(),
                          clock.now(),
                          "",
                          10});
    }

    FakeClock clock;
    MemoryStateStore store;
    std::vector<int> holdFailures;
    Route route{"john", "John", nullptr, nullptr, "pixstar", {{"frame", ""}}};
};

}  // namespace

TEST_F(DeliveryGateTest, AnUnlimitedSinkWithoutTroubleMayGo) {
    DeliveryGate gate = makeGate();
    const GateVerdict v = gate.admit(route, RateLimits{});
    EXPECT_TRUE(v.go());
    EXPECT_FALSE(v.until);
    EXPECT_FALSE(gate.blocked(route));
    EXPECT_FALSE(gate.pausedUntil("pixstar"));
}

TEST_F(DeliveryGateTest, AQuotaPauseIsKeptWithTheStateAndReadBackByANewGate) {
    const TimePoint until = clock.now() + 2h;
    {
        DeliveryGate gate = makeGate();
        EXPECT_TRUE(gate.pauseForQuota("pixstar", until, "550 5.4.5 quota"));
        const GateVerdict v = gate.admit(route, {});
        EXPECT_EQ(v.kind, GateVerdict::Kind::QuotaPaused);
        EXPECT_EQ(v.until, until);
        EXPECT_EQ(v.reason, "550 5.4.5 quota");
    }
    DeliveryGate restarted = makeGate();
    EXPECT_EQ(restarted.pausedUntil("pixstar"), until);
    const GateVerdict after = restarted.admit(route, {});
    EXPECT_EQ(after.kind, GateVerdict::Kind::QuotaPaused);
    EXPECT_EQ(after.reason, "550 5.4.5 quota") << "a restarted daemon still says why";
    EXPECT_FALSE(restarted.pausedUntil("other")) << "a pause is the sink's own";
    clock.advance(2h);
    EXPECT_FALSE(restarted.pausedUntil("pixstar"));
    EXPECT_TRUE(restarted.admit(route, {}).go());
}

TEST_F(DeliveryGateTest, AShorterQuotaPauseDoesNotShortenOne) {
    DeliveryGate gate = makeGate();
    EXPECT_TRUE(gate.pauseForQuota("pixstar", clock.now() + 2h, "first"));
    EXPECT_FALSE(gate.pauseForQuota("pixstar", clock.now() + 1h, "second"));
    EXPECT_EQ(gate.pausedUntil("pixstar"), clock.now() + 2h);
    EXPECT_TRUE(gate.pauseForQuota("pixstar", clock.now() + 3h, "third"));
    EXPECT_EQ(gate.pause("pixstar")->reason, "third");
}

TEST_F(DeliveryGateTest, AnUnreadablePauseRecordMeansNotPaused) {
    store.setMeta("sink_paused_until:pixstar", "tomorrow");
    DeliveryGate gate = makeGate();
    EXPECT_FALSE(gate.pausedUntil("pixstar"));
}

TEST_F(DeliveryGateTest, ThePerMinuteLimitPausesUntilTheMinuteEnds) {
    DeliveryGate gate = makeGate();
    const RateLimits limits{2, 0};
    const TimePoint start = clock.now();
    EXPECT_TRUE(gate.admit(route, limits).go());
    gate.countDelivery("pixstar");
    clock.advance(10s);
    EXPECT_TRUE(gate.admit(route, limits).go());
    gate.countDelivery("pixstar");
    GateVerdict v = gate.admit(route, limits);
    EXPECT_EQ(v.kind, GateVerdict::Kind::RateLimited);
    EXPECT_TRUE(v.started);
    EXPECT_EQ(v.until, start + 1min);
    EXPECT_EQ(v.reason, "at most 2 a minute");
    v = gate.admit(route, limits);
    EXPECT_EQ(v.kind, GateVerdict::Kind::RateLimited);
    EXPECT_FALSE(v.started) << "one start per limit reached, logged once";
    EXPECT_TRUE(gate.blocked(route));
    clock.advance(50s);
    EXPECT_TRUE(gate.admit(route, limits).go());
}

TEST_F(DeliveryGateTest, TheDailyLimitCountsWhatTheStateDeliveredBeforeARestart) {
    delivered(3);
    DeliveryGate gate = makeGate();
    const GateVerdict v = gate.admit(route, RateLimits{0, 3});
    EXPECT_EQ(v.kind, GateVerdict::Kind::RateLimited);
    EXPECT_EQ(v.reason, "at most 3 a day");
    EXPECT_EQ(v.until, clock.now() + 1h);
    EXPECT_EQ(gate.pause("pixstar")->cause, SinkPause::Cause::RateLimit);
    EXPECT_TRUE(gate.admit(route, RateLimits{0, 4}).kind == GateVerdict::Kind::RateLimited)
        << "a rate pause lasts until its end, whatever the limit";
    clock.advance(24h + 1s);
    EXPECT_TRUE(gate.admit(route, RateLimits{0, 3}).go()) << "a day later the window is empty";
}

TEST_F(DeliveryGateTest, AQuotaPauseIsReportedBeforeARateLimit) {
    DeliveryGate gate = makeGate();
    EXPECT_TRUE(gate.admit(route, RateLimits{1, 0}).go());
    gate.countDelivery("pixstar");
    EXPECT_EQ(gate.admit(route, RateLimits{1, 0}).kind, GateVerdict::Kind::RateLimited);
    gate.pauseForQuota("pixstar", clock.now() + 2h, "quota");
    EXPECT_EQ(gate.pause("pixstar")->cause, SinkPause::Cause::Quota);
    EXPECT_EQ(gate.pausedUntil("pixstar"), clock.now() + 2h);
}

TEST_F(DeliveryGateTest, AHeldSinkWaitsLongerAfterEachFailureUntilReleased) {
    DeliveryGate gate = makeGate();
    const GateKey sink = GateKey::sink("pixstar");
    EXPECT_TRUE(gate.startOutage(sink, "535 login refused"));
    EXPECT_EQ(gate.hold(sink), clock.now() + 1min);
    GateVerdict v = gate.admit(route, {});
    EXPECT_EQ(v.kind, GateVerdict::Kind::SinkHeld);
    EXPECT_EQ(v.reason, "535 login refused");
    EXPECT_EQ(v.until, clock.now() + 1min);
    clock.advance(1min);
    EXPECT_TRUE(gate.admit(route, {}).go()) << "tried again once the hold ends";
    EXPECT_EQ(gate.hold(sink), clock.now() + 2min);
    EXPECT_EQ(holdFailures, (std::vector<int>{1, 2}));
    gate.release(sink);
    EXPECT_FALSE(gate.heldUntil(sink));
    gate.hold(sink);
    EXPECT_EQ(holdFailures.back(), 1) << "a release starts the count again";
}

TEST_F(DeliveryGateTest, HeldDownloadsHoldOnlyTheirRoute) {
    DeliveryGate gate = makeGate();
    gate.startOutage(GateKey::downloads("john"), "asset.download missing");
    gate.hold(GateKey::downloads("john"));
    EXPECT_EQ(gate.admit(route, {}).kind, GateVerdict::Kind::SourceHeld);
    Route jane{"jane", "Jane", nullptr, nullptr, "pixstar", {{"frame", ""}}};
    EXPECT_TRUE(gate.admit(jane, {}).go());
}

TEST_F(DeliveryGateTest, AnOutageStartsAndEndsOnceAndKeepsItsFirstTime) {
    DeliveryGate gate = makeGate();
    const GateKey key = GateKey::listing("john");
    const TimePoint first = clock.now();
    EXPECT_TRUE(gate.startOutage(key, "down"));
    clock.advance(5min);
    EXPECT_FALSE(gate.startOutage(key, "still down")) << "logged once per outage";
    ASSERT_NE(gate.outage(key), nullptr);
    EXPECT_EQ(gate.outage(key)->since, first);
    EXPECT_EQ(gate.outage(key)->reason, "still down");
    EXPECT_EQ(gate.outage(GateKey::downloads("john")), nullptr) << "keys are typed";
    EXPECT_TRUE(gate.endOutage(key));
    EXPECT_FALSE(gate.endOutage(key));
}

TEST_F(DeliveryGateTest, TheEarliestEndIsThatOfTheFirstPauseOrHoldToEnd) {
    DeliveryGate gate = makeGate();
    const std::vector<Route> routes{route};
    EXPECT_FALSE(gate.earliestEnd(routes));
    gate.pauseForQuota("pixstar", clock.now() + 2h, "quota");
    EXPECT_EQ(gate.earliestEnd(routes), clock.now() + 2h);
    gate.hold(GateKey::downloads("john"));
    EXPECT_EQ(gate.earliestEnd(routes), clock.now() + 1min);
}
