// Sink- and source-wide failures hold the queue without using attempts, every plugin call is
// guarded, and the engine's health says what is wrong.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

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

const std::string kRoute = "john@example.com";
const std::string kFrame = "john-frame@mypixstar.com";

std::vector<Outcome> allDelivered(const DeliveryRequest& r, const std::vector<Destination>& d) {
    return std::vector<Outcome>(d.size(), Outcome::delivered(r.media.size));
}

class EngineHealthTest : public ::testing::Test {
  protected:
    EngineHealthTest() {
        ON_CALL(source, fetch(_)).WillByDefault([](const Asset& a) { return mediaFor(a); });
        ON_CALL(source, fetchPreview(_)).WillByDefault([](const Asset&) {
            return std::optional<MediaFile>();
        });
        ON_CALL(sink, deliver(_, _)).WillByDefault(allDelivered);
        ON_CALL(sink, rateLimits()).WillByDefault(Return(RateLimits{}));
    }

    /// A fresh engine on the same store: what a restart or a SIGHUP reload makes.
    Engine& engine() {
        Logger log;
        log.addOutput(logged);
        EngineSettings s;
        s.jitterSeed = 42;
        s.maxAttempts = 3;
        engine_ = std::make_unique<Engine>(store, clock, log, s);
        engine_->addRoute(Route{kRoute, "John", &source, &sink, "pixstar", {{kFrame, ""}}});
        return *engine_;
    }
    MemoryStateStore::Record& rec(const std::string& asset) {
        return memory.records[DeliveryKey{kRoute, asset, kFrame}];
    }
    void queue(std::vector<Asset> assets) {
        EXPECT_CALL(source, list("")).WillOnce(Return(listing(std::move(assets), "c1", true)));
        engine_->pollAll();
    }

    FakeClock clock;
    std::shared_ptr<CapturedLog> logged = std::make_shared<CapturedLog>();
    MemoryStateStore memory;
    NiceMock<MockStateStore> store{memory};
    NiceMock<MockSource> source;
    NiceMock<MockSink> sink;
    std::unique_ptr<Engine> engine_;
};

}  // namespace

TEST_F(EngineHealthTest, HeldOutcomeKeepsThePhotoDueUsesNoAttemptAndGoesOutAfterARestart) {
    auto& e = engine();
    queue({photo("a"), photo("b")});
    const std::string why = "the SMTP server refused the login (535 5.7.8 bad credentials)";
    EXPECT_CALL(sink, deliver(_, _))
        .WillRepeatedly(Return(std::vector<Outcome>{Outcome::held(why)}));
    ON_CALL(sink, check(_)).WillByDefault([&](CheckReport& report) {
        report.fail("smtp: authentication", why, "fix the password");
    });
    // Many passes, far more than maxAttempts: nothing is ever marked failed.
    for (int i = 0; i < 10; ++i) {
        auto r = e.deliverDue();
        EXPECT_EQ(r.failed, 0u);
        EXPECT_EQ(r.delivered, 0u);
        clock.advance(1h);
    }
    EXPECT_EQ(rec("a").status, DeliveryStatus::Queued);
    EXPECT_EQ(rec("a").attempts, 0) << "a held photo uses no attempt";
    EXPECT_EQ(rec("b").status, DeliveryStatus::Queued);

    const HealthReport h = e.health();
    ASSERT_EQ(h.sinks.size(), 1u);
    EXPECT_EQ(h.sinks[0].state, HealthState::Failing);
    EXPECT_EQ(h.sinks[0].reason, why);
    EXPECT_FALSE(h.ok());
    EXPECT_THAT(describe(h.sinks[0]), HasSubstr("failing since "));
    auto saved = loadHealth(store);
    ASSERT_TRUE(saved.has_value()) << "kept with the state for `pixsync status`";
    EXPECT_EQ(saved->sinks[0].state, HealthState::Failing);

    // The password is fixed and the daemon restarted: both go out at once, once each.
    ::testing::Mock::VerifyAndClearExpectations(&sink);
    ON_CALL(sink, check(_)).WillByDefault([](CheckReport&) {});
    ON_CALL(sink, deliver(_, _)).WillByDefault(allDelivered);
    EXPECT_CALL(sink, deliver(_, _)).Times(2);
    auto& restarted = engine();
    EXPECT_EQ(restarted.deliverDue().delivered, 2u);
    EXPECT_EQ(rec("a").status, DeliveryStatus::Delivered);
    EXPECT_EQ(restarted.health().sinks[0].state, HealthState::Ok);
    EXPECT_EQ(loadHealth(store)->sinks[0].state, HealthState::Ok);
}

TEST_F(EngineHealthTest, UnavailableSinkHoldsWithoutAttemptsAndRecoversByItself) {
    auto& e = engine();
    queue({photo("a")});
    bool down = true;
    ON_CALL(sink, check(_)).WillByDefault([&](CheckReport& report) {
        if (down) report.fail("smtp: connection", "Connection refused", "start it");
    });
    EXPECT_CALL(sink, deliver(_, _))
        .WillOnce(
            [](const DeliveryRequest&, const std::vector<Destination>&) -> std::vector<Outcome> {
                throw unavailableError("cannot connect to 127.0.0.1:25: Connection refused");
            })
        .WillRepeatedly(allDelivered);
    EXPECT_EQ(e.deliverDue().held, 1u);
    EXPECT_EQ(rec("a").attempts, 0);
    EXPECT_LE(rec("a").nextAttempt, clock.now()) << "stays due: a restart sends it at once";
    EXPECT_EQ(e.deliverDue().waiting, 1u) << "held back while the sink is known to be down";
    down = false;
    clock.advance(10min);
    EXPECT_EQ(e.deliverDue().delivered, 1u);
    EXPECT_EQ(e.health().sinks[0].state, HealthState::Ok);
}

TEST_F(EngineHealthTest, AnExceptionFromDeliverIsAnErrorOfTheSinkNotACrash) {
    auto& e = engine();
    queue({photo("a")});
    EXPECT_CALL(sink, deliver(_, _))
        .WillOnce(
            [](const DeliveryRequest&, const std::vector<Destination>&) -> std::vector<Outcome> {
                throw std::out_of_range("vector::at");
            })
        .WillRepeatedly(allDelivered);
    DeliverReport r;
    EXPECT_NO_THROW(r = e.deliverDue());
    // The sink's check passes: the failure is charged to this photo, which is tried again.
    EXPECT_EQ(r.retrying, 1u);
    EXPECT_EQ(rec("a").status, DeliveryStatus::Queued);
    EXPECT_THAT(rec("a").detail,
                HasSubstr("sink 'pixstar' deliver() threw std::out_of_range: vector::at"));
    EXPECT_EQ(e.health().sinks[0].state, HealthState::Ok);
    clock.advance(10min);
    EXPECT_EQ(e.deliverDue().delivered, 1u);
}

TEST_F(EngineHealthTest, ExceptionsFromListFetchPreviewAndRetainAreGuarded) {
    auto& e = engine();
    EXPECT_CALL(source, list("")).WillOnce([](const std::string&) -> Listing {
        throw std::runtime_error("boom");
    });
    std::vector<PollReport> polls;
    EXPECT_NO_THROW(polls = e.pollAll());
    EXPECT_FALSE(polls[0].ok);
    EXPECT_THAT(polls[0].error, HasSubstr("list() threw std::runtime_error: boom"));
    EXPECT_EQ(e.health().routes[0].state, HealthState::Failing);

    EXPECT_CALL(sink, retain(_, _))
        .WillOnce([](const RetainRequest&, const std::vector<Destination>&) {
            throw std::logic_error("retain bug");
        });
    queue({photo("a"), photo("b")});
    EXPECT_EQ(e.health().routes[0].state, HealthState::Ok) << "the listing works again";

    // The original cannot be used and the preview call throws: the photo fails for good
    // (a media problem), the daemon goes on.
    EXPECT_CALL(sink, deliver(_, _))
        .WillOnce(
            [](const DeliveryRequest&, const std::vector<Destination>&) -> std::vector<Outcome> {
                throw mediaError("a.jpg: truncated");
            })
        .WillRepeatedly(allDelivered);
    EXPECT_CALL(source, fetchPreview(_)).WillOnce([](const Asset&) -> std::optional<MediaFile> {
        throw std::bad_alloc();
    });
    DeliverReport r;
    EXPECT_NO_THROW(r = e.deliverDue());
    EXPECT_EQ(r.failed, 1u);
    EXPECT_EQ(r.delivered, 1u);
}

TEST_F(EngineHealthTest, DownloadsRefusedHoldTheRouteWhileListingWorks) {
    auto& e = engine();
    queue({photo("a")});
    const std::string why =
        "Immich refused to download \"a.jpg\": Missing required permission: asset.download";
    EXPECT_CALL(source, fetch(_)).WillRepeatedly([&](const Asset&) -> MediaFile {
        throw unavailableError(why);
    });
    // The source's own check finds the missing permission: the whole route's failure.
    ON_CALL(source, check(_)).WillByDefault([](CheckReport& report) {
        report.fail("immich: download permission", "missing", "grant asset.download");
    });
    for (int i = 0; i < 5; ++i) {
        e.deliverDue();
        clock.advance(1h);
    }
    EXPECT_CALL(source, list(_)).WillRepeatedly(Return(listing({photo("a")}, "c2", false)));
    e.pollAll();
    EXPECT_EQ(rec("a").status, DeliveryStatus::Queued);
    EXPECT_EQ(rec("a").attempts, 0);
    const auto h = e.health();
    EXPECT_EQ(h.routes[0].state, HealthState::Held);
    EXPECT_EQ(h.routes[0].reason, why);
    EXPECT_THAT(describe(h.routes[0]), HasSubstr("held since "));
    EXPECT_EQ(logged->count("reachable again"), 0u) << "a working listing does not end the hold";
}

TEST_F(EngineHealthTest, RateLimitAndQuotaAreTheirOwnStates) {
    ON_CALL(sink, rateLimits()).WillByDefault(Return(RateLimits{0, 2}));
    auto& e = engine();
    queue({photo("a"), photo("b"), photo("c"), photo("d"), photo("e")});
    EXPECT_EQ(e.deliverDue().delivered, 2u);
    auto h = e.health();
    EXPECT_EQ(h.sinks[0].state, HealthState::RateLimited);
    ASSERT_TRUE(h.sinks[0].until.has_value());
    EXPECT_GT(*h.sinks[0].until, clock.now());
    EXPECT_TRUE(h.ok()) << "waiting for a limit is not a failure";
    EXPECT_EQ(h.sinks[0].perDay, 2u);
    // 3 left at 2 a day: the last goes out on the next day.
    EXPECT_EQ(queueEmptiesAt(h.sinks[0], 3, clock.now()), clock.now() + 24h);
    EXPECT_EQ(queueEmptiesAt(h.sinks[0], 6000, clock.now()), clock.now() + 24h * 2999);

    ON_CALL(sink, rateLimits()).WillByDefault(Return(RateLimits{}));
    auto& fresh = engine();
    EXPECT_CALL(sink, deliver(_, _))
        .WillOnce(Return(std::vector<Outcome>{
            Outcome::paused("550 5.4.5 Daily user sending quota exceeded", 1h)}));
    fresh.deliverDue();
    h = fresh.health();
    EXPECT_EQ(h.sinks[0].state, HealthState::QuotaPaused);
    EXPECT_THAT(describe(h.sinks[0]), HasSubstr("quota-paused until "));
    EXPECT_THAT(describe(h.sinks[0]), HasSubstr("5.4.5"));
}
