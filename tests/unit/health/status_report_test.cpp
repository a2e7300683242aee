// The status model's estimates: when each route's queue is sent, routes taking turns.
#include "pixsync/host/status_report.hpp"

#include <gtest/gtest.h>

#include "memory_state_store.hpp"
#include "test_support.hpp"

using namespace pixsync;
using namespace std::chrono_literals;

namespace {

/// `count` photos of `route` queued for one frame.
Plan queued(const std::string& route, int count, TimePoint at) {
    Plan p;
    p.route = route;
    for (int i = 0; i < count; ++i) {
        QueuedDelivery q;
        q.key = {route, route + "-" + std::to_string(i), route + "-frame@mypixstar.com"};
        q.asset.id = q.key.assetId;
        q.nextAttempt = at;
        p.queue.push_back(q);
    }
    return p;
}

class StatusReportTest : public ::testing::Test {
  protected:
    StatusReportTest() {
        config.sinks.push_back({"pixstar", "pixstar", {}});
        for (const char* id : {"backlog@example.com", "new@example.com", "idle@example.com"})
            config.routes.push_back({id, "", "immich", {}, "pixstar", {}, ""});
        ComponentHealth sink;
        sink.name = "pixstar";
        sink.perMinute = 10;
        health.sinks.push_back(sink);
    }

    StatusReport report() { return buildStatusReport(config, store, health, now, std::nullopt); }

    Config config;
    HealthReport health;
    test::MemoryStateStore store;
    TimePoint now = fromUnixMillis(1'760'000'000'000);
};

}  // namespace

TEST_F(StatusReportTest, EachRoutesQueueEndsWhenTheTurnsOfTheRoutesOnItsSinkReachIt) {
    store.commit(queued("backlog@example.com", 30, now));
    store.commit(queued("new@example.com", 2, now));
    const StatusReport r = report();
    ASSERT_EQ(r.routes.size(), 3u);
    // The new favorites go out in the first turns: 2 + 2 sends at 10 a minute, within a
    // minute. The backlog's last photo waits for all 32: 4 minutes (31 would take 4, 30 three).
    EXPECT_EQ(r.routes[1].emptiesAt, now + 1min);
    EXPECT_EQ(r.routes[0].emptiesAt, now + 4min);
    EXPECT_FALSE(r.routes[2].emptiesAt) << "nothing queued";
    EXPECT_EQ(r.sinks[0].emptiesAt, now + 4min);
}

TEST_F(StatusReportTest, ARoutesQueueHasNoEndWhileItsSinkFailsOrHasNoLimits) {
    store.commit(queued("new@example.com", 2, now));
    health.sinks[0].state = HealthState::Failing;
    EXPECT_FALSE(report().routes[1].emptiesAt);
    health.sinks[0].state = HealthState::Ok;
    health.sinks[0].perMinute = 0;
    EXPECT_FALSE(report().routes[1].emptiesAt) << "without limits it sends as fast as it can";
}

TEST_F(StatusReportTest, ARoutesQueueStartsAfterItsSinksPause) {
    store.commit(queued("new@example.com", 11, now));
    health.sinks[0].state = HealthState::QuotaPaused;
    health.sinks[0].until = now + 1h;
    EXPECT_EQ(report().routes[1].emptiesAt, now + 1h + 2min);
}
