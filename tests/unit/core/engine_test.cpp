// Engine behaviour with mocked plugins, an in-memory store and a fake clock.
#include "pixsync/host/engine.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "captured_log.hpp"
#include "engine_mocks.hpp"
#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

using namespace pixsync;
using namespace pixsync::test;
using namespace std::chrono_literals;
using ::testing::_;
using ::testing::AnyNumber;
using ::testing::NiceMock;
using ::testing::Return;

namespace {

std::vector<Outcome> allDelivered(const DeliveryRequest& r, const std::vector<Destination>& d) {
    return std::vector<Outcome>(d.size(), Outcome::delivered(r.media.size));
}

class EngineTest : public ::testing::Test {
  protected:
    EngineTest() {
        ON_CALL(source, fetch(_)).WillByDefault([](const Asset& a) { return mediaFor(a); });
        ON_CALL(source, fetchPreview(_)).WillByDefault([](const Asset&) {
            return std::optional<MediaFile>();
        });
        ON_CALL(sink, deliver(_, _)).WillByDefault(allDelivered);
        ON_CALL(sink, rateLimits()).WillByDefault(Return(RateLimits{}));
    }

    Engine& engine(EngineSettings s = {}) {
        s.jitterSeed = 42;
        Logger log;
        log.addOutput(logged);
        engine_ = std::make_unique<Engine>(store, clock, log, s);
        engine_->addRoute(Route{"john@example.com",
                                "John",
                                &source,
                                &sink,
                                "pixstar",
                                {{"john-frame@mypixstar.com", ""}}});
        return *engine_;
    }
    const Route& route() { return engine_->routes().front(); }
    MemoryStateStore::Record& rec(const std::string& asset) {
        return memory.records[DeliveryKey{"john@example.com", asset, "john-frame@mypixstar.com"}];
    }
    DeliveryStatus statusOf(const std::string& asset,
                            const std::string& dest = "john-frame@mypixstar.com",
                            const std::string& r = "john@example.com") {
        auto s = memory.status({r, asset, dest});
        EXPECT_TRUE(s.has_value()) << asset;
        return s.value_or(DeliveryStatus::Skipped);
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

TEST_F(EngineTest, FirstRunSendsEveryCurrentFavorite) {
    auto& e = engine();
    EXPECT_CALL(source, list("")).WillOnce(Return(listing({photo("a"), photo("b")}, "c1", true)));
    EXPECT_CALL(sink, deliver(_, _)).Times(2);
    auto polls = e.pollAll();
    ASSERT_EQ(polls.size(), 1u);
    EXPECT_TRUE(polls[0].ok);
    EXPECT_EQ(polls[0].queued, 2u);
    auto report = e.deliverDue();
    EXPECT_EQ(report.delivered, 2u);
    EXPECT_EQ(statusOf("a"), DeliveryStatus::Delivered);
    EXPECT_EQ(statusOf("b"), DeliveryStatus::Delivered);
    EXPECT_EQ(memory.cursors["john@example.com"].value, "c1");
}

TEST_F(EngineTest, NothingChangedSendsNothing) {
    auto& e = engine();
    EXPECT_CALL(source, list("")).WillOnce(Return(listing({photo("a")}, "c1", true)));
    EXPECT_CALL(source, list("c1")).WillOnce(Return(listing({}, "c1", false)));
    e.pollAll();
    e.deliverDue();
    EXPECT_CALL(sink, deliver(_, _)).Times(0);
    auto polls = e.pollAll();
    EXPECT_EQ(polls[0].queued, 0u);
    EXPECT_FALSE(polls[0].fullListing);
    EXPECT_EQ(e.deliverDue().delivered, 0u);
}

TEST_F(EngineTest, IncrementalChangeSendsOnlyTheNewFavorite) {
    auto& e = engine();
    EXPECT_CALL(source, list("")).WillOnce(Return(listing({photo("a")}, "c1", true)));
    e.pollAll();
    e.deliverDue();
    // The incremental listing re-sees "a" (metadata jobs bump updatedAt) plus the new "b".
    EXPECT_CALL(source, list("c1"))
        .WillOnce(Return(listing({photo("a"), photo("b")}, "c2", false)));
    EXPECT_CALL(
        sink,
        deliver(::testing::Truly([](const DeliveryRequest& r) { return r.asset.id == "b"; }), _))
        .Times(1);
    auto polls = e.pollAll();
    EXPECT_EQ(polls[0].queued, 1u);
    EXPECT_EQ(e.deliverDue().delivered, 1u);
    EXPECT_EQ(memory.cursors["john@example.com"].value, "c2");
}

TEST_F(EngineTest, ReconcileMakesAFullListingWhenDue) {
    auto& e = engine();
    EXPECT_CALL(source, list(""))
        .Times(2)
        .WillRepeatedly(Return(listing({photo("a")}, "c1", true)));
    EXPECT_CALL(source, list("c1")).WillOnce(Return(listing({}, "c1", false)));
    e.pollAll();
    clock.advance(1h);
    e.pollAll();  // incremental
    clock.advance(24h);
    auto polls = e.pollAll();  // reconcile
    EXPECT_TRUE(polls[0].fullListing);
}

TEST_F(EngineTest, TransientFailureIsRetriedAfterBackoff) {
    auto& e = engine();
    EXPECT_CALL(source, list("")).WillOnce(Return(listing({photo("a")}, "c1", true)));
    e.pollAll();
    EXPECT_CALL(sink, deliver(_, _))
        .WillOnce(Return(std::vector<Outcome>{Outcome::retryLater("451 try again")}))
        .WillOnce(allDelivered);
    auto first = e.deliverDue();
    EXPECT_EQ(first.retrying, 1u);
    EXPECT_EQ(statusOf("a"), DeliveryStatus::Queued);
    EXPECT_EQ(e.deliverDue().delivered, 0u) << "not due before the backoff";
    clock.advance(6min);  // base 5 min, +-20% jitter
    EXPECT_EQ(e.deliverDue().delivered, 1u);
    EXPECT_EQ(statusOf("a"), DeliveryStatus::Delivered);
    EXPECT_EQ(rec("a").attempts, 2);
}

TEST_F(EngineTest, BackoffGrowsExponentiallyUpToTheCap) {
    EngineSettings s;
    s.backoffBase = 1min;
    s.backoffCap = 10min;
    auto& e = engine(s);
    EXPECT_EQ(e.backoff(1), 1min);
    EXPECT_EQ(e.backoff(2), 2min);
    EXPECT_EQ(e.backoff(4), 8min);
    EXPECT_EQ(e.backoff(5), 10min);
    EXPECT_EQ(e.backoff(30), 10min);
}

TEST_F(EngineTest, PermanentFailureIsRecordedAndNeverRetried) {
    auto& e = engine();
    EXPECT_CALL(source, list("")).WillRepeatedly(Return(listing({photo("a")}, "c1", true)));
    e.pollAll();
    EXPECT_CALL(sink, deliver(_, _))
        .WillOnce(Return(std::vector<Outcome>{Outcome::failed("550 no such user")}));
    EXPECT_EQ(e.deliverDue().failed, 1u);
    EXPECT_EQ(statusOf("a"), DeliveryStatus::Failed);
    EXPECT_EQ(rec("a").detail, "550 no such user");
    clock.advance(48h);
    e.pollAll();
    EXPECT_EQ(e.deliverDue().delivered + e.deliverDue().failed, 0u);
}

TEST_F(EngineTest, GivesUpAfterTheAttemptLimit) {
    EngineSettings s;
    s.maxAttempts = 3;
    auto& e = engine(s);
    EXPECT_CALL(source, list("")).WillOnce(Return(listing({photo("a")}, "c1", true)));
    e.pollAll();
    EXPECT_CALL(sink, deliver(_, _))
        .Times(3)
        .WillRepeatedly(Return(std::vector<Outcome>{Outcome::retryLater("451")}));
    for (int i = 0; i < 5; ++i) {
        e.deliverDue();
        clock.advance(1h);
    }
    EXPECT_EQ(statusOf("a"), DeliveryStatus::Failed);
    EXPECT_THAT(rec("a").detail, ::testing::HasSubstr("gave up after 3 attempts"));
}

TEST_F(EngineTest, QuotaPausesTheSinkWithoutCountingAttempts) {
    auto& e = engine();
    EXPECT_CALL(source, list("")).WillOnce(Return(listing({photo("a"), photo("b")}, "c1", true)));
    e.pollAll();
    EXPECT_CALL(sink, deliver(_, _))
        .WillOnce(Return(std::vector<Outcome>{
            Outcome::paused("550 5.4.5 Daily user sending quota exceeded", 1h)}))
        .WillRepeatedly(allDelivered);
    auto r = e.deliverDue();
    EXPECT_EQ(r.delivered, 0u);
    EXPECT_EQ(r.paused, 1u) << "one quota reply, one event";
    EXPECT_EQ(r.waiting, 1u) << "the second photo waits too";
    EXPECT_TRUE(e.pausedUntil("pixstar").has_value());
    EXPECT_EQ(rec("a").attempts, 0);
    clock.advance(30min);
    EXPECT_EQ(e.deliverDue().delivered, 0u);
    ASSERT_TRUE(e.nextDue().has_value());
    EXPECT_GE(*e.nextDue(), clock.now() + 29min);
    clock.advance(31min);
    EXPECT_EQ(e.deliverDue().delivered, 2u);
    EXPECT_EQ(statusOf("a"), DeliveryStatus::Delivered);
}

TEST_F(EngineTest, PauseSurvivesARestart) {
    const TimePoint pausedAt = clock.now();
    {
        auto& e = engine();
        EXPECT_CALL(source, list(""))
            .WillOnce(Return(listing({photo("a"), photo("b")}, "c1", true)));
        e.pollAll();
        EXPECT_CALL(sink, deliver(_, _))
            .WillOnce(Return(std::vector<Outcome>{Outcome::paused("quota", 1h)}));
        const auto report = e.deliverDue();
        EXPECT_EQ(report.paused, 1u);
        EXPECT_EQ(report.waiting, 1u) << "b was never tried: it is still due";
    }
    // Only the pause kept with the state stops b, which is due, after a restart.
    auto& restarted = engine();
    EXPECT_EQ(restarted.pausedUntil("pixstar"), pausedAt + 1h);
    EXPECT_CALL(sink, deliver(_, _)).Times(0);
    clock.advance(10min);
    EXPECT_EQ(restarted.deliverDue().delivered, 0u);
    EXPECT_EQ(rec("b").attempts, 0);
    clock.advance(50min);
    EXPECT_FALSE(restarted.pausedUntil("pixstar"));
    EXPECT_CALL(sink, deliver(_, _)).Times(2).WillRepeatedly(allDelivered);
    EXPECT_EQ(restarted.deliverDue().delivered, 2u);
}

// A state that cannot record an outcome (a full disk) is the state's problem: thrown as
// Error(State) even when the sink, like an SMTP sink, wraps what goes wrong while it sends;
// never "sink unavailable", nothing marked failed, no attempt used.
TEST_F(EngineTest, AStateThatCannotRecordIsTheStatesErrorNotTheSinks) {
    auto& e = engine();
    EXPECT_CALL(source, list("")).WillOnce(Return(listing({photo("a"), photo("b")}, "c1", true)));
    e.pollAll();
    EXPECT_CALL(store, record(_)).WillRepeatedly([](const DeliveryRecord&) {
        throw stateError(
            "state database /srv/pixsync_state.db: committing failed (database or disk is full)");
    });
    EXPECT_CALL(sink, deliver(_, _))
        .WillOnce([&](const DeliveryRequest& r, const std::vector<Destination>& d) {
            try {
                sink.report(0, Outcome::delivered(r.media.size));
            } catch (const std::exception& ex) {
                throw unavailableError(cat("sending stopped: ", ex.what()));
            }
            return allDelivered(r, d);
        });
    try {
        e.deliverDue();
        ADD_FAILURE() << "the state's failure was not passed on";
    } catch (const Error& err) {
        EXPECT_EQ(err.kind(), ErrorKind::State) << err.what();
        EXPECT_THAT(err.what(), ::testing::HasSubstr("/srv/pixsync_state.db"));
        EXPECT_THAT(err.what(), ::testing::HasSubstr("disk is full"));
    }
    EXPECT_EQ(rec("a").status, DeliveryStatus::Queued);
    EXPECT_EQ(rec("a").attempts, 0);
    EXPECT_EQ(rec("b").status, DeliveryStatus::Queued);
    const HealthReport health = e.health();
    ASSERT_EQ(health.sinks.size(), 1u);
    EXPECT_EQ(health.sinks[0].state, HealthState::Ok) << "the sink did nothing wrong";
    EXPECT_EQ(logged->count("unavailable"), 0u) << logged->text();
}

TEST_F(EngineTest, SamePhotoThroughTwoRoutesReachesASharedFrameOnce) {
    engine_ = std::make_unique<Engine>(store, clock, Logger(), EngineSettings{});
    NiceMock<MockSource> jane;
    ON_CALL(jane, fetch(_)).WillByDefault([](const Asset& a) { return mediaFor(a); });
    engine_->addRoute(Route{"john@example.com",
                            "",
                            &source,
                            &sink,
                            "pixstar",
                            {{"shared@mypixstar.com", ""}, {"john-frame@mypixstar.com", ""}}});
    engine_->addRoute(
        Route{"jane@example.com", "", &jane, &sink, "pixstar", {{"shared@mypixstar.com", ""}}});
    EXPECT_CALL(source, list("")).WillOnce(Return(listing({photo("j1", "same")}, "c", true)));
    EXPECT_CALL(jane, list("")).WillOnce(Return(listing({photo("n1", "same")}, "c", true)));
    auto polls = engine_->pollAll();
    EXPECT_EQ(polls[0].queued, 2u);
    EXPECT_EQ(polls[1].queued, 0u);
    EXPECT_EQ(polls[1].skipped, 1u);
    EXPECT_EQ(engine_->deliverDue().delivered, 2u);
    EXPECT_EQ(statusOf("n1", "shared@mypixstar.com", "jane@example.com"), DeliveryStatus::Skipped);
}

TEST_F(EngineTest, UnfavoriteSendsNothingAndRefavoriteIsNotResent) {
    auto& e = engine();
    EXPECT_CALL(source, list(""))
        .WillOnce(Return(listing({photo("a")}, "c1", true)))
        .WillOnce(Return(listing({}, "c2", true)))
        .WillOnce(Return(listing({photo("a")}, "c3", true)));
    e.pollAll();
    EXPECT_EQ(e.deliverDue().delivered, 1u);
    clock.advance(25h);
    e.pollAll();  // unfavorited
    EXPECT_FALSE(memory.favorites["john@example.com"]["a"]);
    clock.advance(25h);
    auto polls = e.pollAll();  // favorited again
    EXPECT_EQ(polls[0].queued, 0u);
    EXPECT_EQ(e.deliverDue().delivered, 0u);
}

TEST_F(EngineTest, ResendQueuesEveryCurrentFavoriteAgain) {
    auto& e = engine();
    EXPECT_CALL(source, list(""))
        .WillRepeatedly(Return(listing({photo("a"), photo("b")}, "c1", true)));
    e.pollAll();
    EXPECT_EQ(e.deliverDue().delivered, 2u);
    std::uint64_t lastDone = 0;
    auto queued = e.resend(route(), [&](std::uint64_t done, std::uint64_t total) {
        lastDone = done;
        EXPECT_EQ(total, 2u);
    });
    EXPECT_EQ(queued, 2u);
    EXPECT_EQ(lastDone, 2u);
    EXPECT_EQ(statusOf("a"), DeliveryStatus::Queued);
    EXPECT_EQ(e.deliverDue().delivered, 2u);
}

TEST_F(EngineTest, DryRunChangesNoState) {
    auto& e = engine();
    EXPECT_CALL(source, list("")).WillOnce(Return(listing({photo("a"), photo("b")}, "c1", true)));
    EXPECT_CALL(store, commit(_)).Times(0);
    EXPECT_CALL(store, record(_)).Times(0);
    EXPECT_CALL(store, recordPass(_)).Times(0);
    EXPECT_CALL(store, setMeta(_, _)).Times(0);
    EXPECT_CALL(sink, deliver(_, _)).Times(0);
    auto polls = e.pollAll(/*dryRun=*/true);
    ASSERT_EQ(polls[0].planned.size(), 2u);
    EXPECT_EQ(polls[0].planned[0].destination, "john-frame@mypixstar.com");
    EXPECT_TRUE(memory.records.empty());
    EXPECT_TRUE(memory.cursors.empty());
}

TEST_F(EngineTest, StartFromNowRecordsABaselineAndSendsOnlyNewFavorites) {
    EngineSettings s;
    s.startFromNow = true;
    auto& e = engine(s);
    EXPECT_CALL(source, list(""))
        .WillOnce(Return(listing({photo("old1"), photo("old2")}, "c1", true)));
    EXPECT_CALL(source, list("c1")).WillOnce(Return(listing({photo("new")}, "c2", false)));
    auto first = e.pollAll();
    EXPECT_EQ(first[0].queued, 0u);
    EXPECT_EQ(first[0].skipped, 2u);
    auto second = e.pollAll();
    EXPECT_EQ(second[0].queued, 1u);
    EXPECT_EQ(e.deliverDue().delivered, 1u);
    EXPECT_EQ(statusOf("old1"), DeliveryStatus::Skipped);
}

TEST_F(EngineTest, ImportedHistoryCoversEveryFrame) {
    memory.records[{"john@example.com", "a", "*"}].status = DeliveryStatus::Delivered;
    memory.cursors.clear();
    auto& e = engine();
    EXPECT_CALL(source, list("")).WillOnce(Return(listing({photo("a"), photo("b")}, "c1", true)));
    auto polls = e.pollAll();
    EXPECT_EQ(polls[0].queued, 1u);
}

TEST_F(EngineTest, UndecodableMediaFallsBackToThePreview) {
    auto& e = engine();
    EXPECT_CALL(source, list("")).WillOnce(Return(listing({photo("a"), photo("b")}, "c1", true)));
    e.pollAll();
    EXPECT_CALL(sink, deliver(_, _))
        .WillOnce(
            [](const DeliveryRequest& r, const std::vector<Destination>&) -> std::vector<Outcome> {
                EXPECT_FALSE(r.media.isPreview);
                throw mediaError("a.jpg: not a known image format");
            })
        .WillOnce([](const DeliveryRequest& r, const std::vector<Destination>& d) {
            EXPECT_TRUE(r.media.isPreview);
            return allDelivered(r, d);
        })
        .WillOnce(
            [](const DeliveryRequest&, const std::vector<Destination>&) -> std::vector<Outcome> {
                throw mediaError("b.jpg: truncated");
            });
    EXPECT_CALL(source, fetchPreview(_))
        .WillOnce([](const Asset& a) {
            MediaFile m = mediaFor(a);
            m.isPreview = true;
            return std::optional<MediaFile>(std::move(m));
        })
        .WillOnce([](const Asset&) { return std::optional<MediaFile>(); });
    auto r = e.deliverDue();
    EXPECT_EQ(r.delivered, 1u);
    EXPECT_EQ(r.failed, 1u);
    EXPECT_EQ(statusOf("b"), DeliveryStatus::Failed);
    EXPECT_EQ(rec("b").detail, "b.jpg: truncated");
}

TEST_F(EngineTest, ALocalFileIsReadInPlaceAndNeverRemovedWhateverTheOutcome) {
    test::TempDir library;
    auto& e = engine();
    // One photo per outcome a sink can give: delivered, failed for good, undecodable with no
    // preview, the sink unavailable.
    std::vector<Asset> photos = {photo("ok"), photo("rejected"), photo("undecodable"),
                                 photo("down")};
    for (const auto& p : photos) test::writeFile(library / p.fileName, "pixels of " + p.id);
    EXPECT_CALL(source, list("")).WillOnce(Return(listing(photos, "c1", true)));
    e.pollAll();
    EXPECT_CALL(source, fetch(_)).Times(0);
    ON_CALL(source, localMedia(_)).WillByDefault([&](const Asset& a) {
        return std::optional<LocalMedia>(LocalMedia{library / a.fileName, "image/jpeg"});
    });
    std::vector<std::filesystem::path> seen;
    ON_CALL(sink, deliver(_, _))
        .WillByDefault([&](const DeliveryRequest& r,
                           const std::vector<Destination>& d) -> std::vector<Outcome> {
            seen.push_back(r.media.file.path());
            EXPECT_EQ(r.media.size, ("pixels of " + r.asset.id).size());
            if (r.asset.id == "rejected") return {Outcome::failed("550 rejected")};
            if (r.asset.id == "undecodable") throw mediaError("not a known image format");
            if (r.asset.id == "down") throw unavailableError("connection refused");
            return allDelivered(r, d);
        });
    auto r = e.deliverDue();
    EXPECT_EQ(r.delivered, 1u);
    EXPECT_EQ(r.failed, 2u);
    EXPECT_EQ(r.retrying, 1u) << "one photo the sink cannot take while others go: that photo's";
    ASSERT_EQ(seen.size(), 4u);
    for (std::size_t i = 0; i < photos.size(); ++i) {
        EXPECT_EQ(seen[i], library / photos[i].fileName) << "the sink reads the file in place";
        EXPECT_EQ(test::readFile(library / photos[i].fileName), "pixels of " + photos[i].id)
            << photos[i].id << ": the source's own file is never removed or changed";
    }
}

TEST_F(EngineTest, TheSinksFrameBoxForTheDueFramesReachesTheSourcesDownload) {
    auto& e = engine();
    engine_->addRoute(Route{"jane@example.com",
                            "Jane",
                            &source,
                            &sink,
                            "pixstar",
                            {{"jane-frame@mypixstar.com", "small"}, {"family@mypixstar.com", ""}}});
    EXPECT_CALL(source, list("")).Times(2).WillRepeatedly([](const std::string&) {
        return listing({photo("a"), photo("b")}, "c1", true);
    });
    e.pollAll();
    // The box depends on the frames: one for John's, another for Jane's two.
    ON_CALL(sink, frameBox(_)).WillByDefault([](const std::vector<Destination>& d) {
        return std::optional<FrameBox>(d.size() == 2 ? FrameBox{1024, 1024} : FrameBox{800, 600});
    });
    EXPECT_CALL(sink, frameBox(std::vector<Destination>{{"john-frame@mypixstar.com", ""}}))
        .Times(2);
    EXPECT_CALL(sink, frameBox(std::vector<Destination>{{"jane-frame@mypixstar.com", "small"},
                                                        {"family@mypixstar.com", ""}}))
        .Times(2);
    std::map<std::string, int> boxes;  // "route asset WxH"
    EXPECT_CALL(source, fetchFor(_, _))
        .Times(4)
        .WillRepeatedly([&](const Asset& a, const std::optional<FrameBox>& box) {
            EXPECT_TRUE(box);
            if (box) ++boxes[cat(a.id, " ", box->width, "x", box->height)];
            return mediaFor(a);
        });
    EXPECT_EQ(e.deliverDue().delivered, 6u);
    EXPECT_EQ(boxes,
              (std::map<std::string, int>{
                  {"a 800x600", 1}, {"b 800x600", 1}, {"a 1024x1024", 1}, {"b 1024x1024", 1}}));
}

TEST_F(EngineTest, TheNextPhotoIsMadeReadyOnTheDownloadThreadWhileTheCurrentOneIsSent) {
    auto& e = engine();
    EXPECT_CALL(source, list(""))
        .WillOnce(Return(listing({photo("a"), photo("b"), photo("c")}, "c1", true)));
    e.pollAll();
    struct Call {
        std::string what, asset;
        std::filesystem::path media;
        std::thread::id thread;
    };
    std::mutex mutex;
    std::vector<Call> calls;
    auto note = [&](const char* what, const DeliveryRequest& r) {
        const std::lock_guard lock(mutex);
        calls.push_back({what, r.asset.id, r.media.file.path(), std::this_thread::get_id()});
    };
    ON_CALL(sink, prepare(_, _))
        .WillByDefault([&](const DeliveryRequest& r, const std::vector<Destination>& d) {
            EXPECT_EQ(d, (std::vector<Destination>{{"john-frame@mypixstar.com", ""}}));
            note("prepare", r);
        });
    ON_CALL(sink, deliver(_, _))
        .WillByDefault([&](const DeliveryRequest& r, const std::vector<Destination>& d) {
            // The first photo is transformed here, which takes a while; a head start on the
            // next one would overlap it.
            if (r.asset.id == "a") std::this_thread::sleep_for(100ms);
            note("deliver", r);  // noted as it ends
            return allDelivered(r, d);
        });
    EXPECT_EQ(e.deliverDue().delivered, 3u);
    // The first photo has no head start; each later one is prepared before it is delivered,
    // with the very media delivered, on another thread than the deliveries. The second is
    // prepared only once the first is sent, which deliver() transformed itself: never two
    // transforms at once.
    auto at = [&](const std::string& what, const std::string& asset) {
        for (std::size_t i = 0; i < calls.size(); ++i)
            if (calls[i].what == what && calls[i].asset == asset) return i;
        return calls.size();
    };
    EXPECT_GT(at("prepare", "b"), at("deliver", "a"));
    std::map<std::string, Call> prepared, delivered;
    for (const auto& c : calls) {
        if (c.what == "prepare") {
            EXPECT_FALSE(delivered.contains(c.asset)) << c.asset << " prepared after delivery";
            prepared[c.asset] = c;
        } else {
            delivered[c.asset] = c;
        }
    }
    EXPECT_EQ(delivered.size(), 3u);
    EXPECT_FALSE(prepared.contains("a"));
    for (const char* id : {"b", "c"}) {
        ASSERT_TRUE(prepared.contains(id)) << id;
        EXPECT_EQ(prepared[id].media, delivered[id].media);
        EXPECT_NE(prepared[id].thread, delivered[id].thread);
    }
}

TEST_F(EngineTest, PhotosAheadAreMadeReadyInOrderOneAtATime) {
    EngineSettings settings;
    settings.photosAhead = 2;
    auto& e = engine(settings);
    EXPECT_CALL(source, list(""))
        .WillOnce(Return(
            listing({photo("a"), photo("b"), photo("c"), photo("d"), photo("e")}, "c1", true)));
    e.pollAll();
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::string> prepared;
    int preparing = 0, mostAtOnce = 0;
    ON_CALL(sink, prepare(_, _))
        .WillByDefault([&](const DeliveryRequest& r, const std::vector<Destination>&) {
            {
                const std::lock_guard lock(mutex);
                mostAtOnce = std::max(mostAtOnce, ++preparing);
            }
            std::this_thread::sleep_for(20ms);  // long enough for another to overlap
            const std::lock_guard lock(mutex);
            --preparing;
            prepared.push_back(r.asset.id);
            changed.notify_all();
        });
    bool twoAheadWhileSendingB = false;
    ON_CALL(sink, deliver(_, _))
        .WillByDefault([&](const DeliveryRequest& r, const std::vector<Destination>& d) {
            if (r.asset.id == "b") {
                // Two photos ahead of b: c and d are made ready while b is being sent.
                std::unique_lock lock(mutex);
                twoAheadWhileSendingB = changed.wait_for(lock, 5s, [&] {
                    return std::count(prepared.begin(), prepared.end(), "d") > 0;
                });
            }
            return allDelivered(r, d);
        });
    EXPECT_EQ(e.deliverDue().delivered, 5u);
    EXPECT_TRUE(twoAheadWhileSendingB);
    EXPECT_EQ(prepared, (std::vector<std::string>{"b", "c", "d", "e"}));
    EXPECT_EQ(mostAtOnce, 1) << "the work ahead runs one photo at a time";
}

TEST_F(EngineTest, NoPhotosAheadDoesEverythingInTurnOnTheEnginesThread) {
    EngineSettings settings;
    settings.photosAhead = 0;
    auto& e = engine(settings);
    EXPECT_CALL(source, list(""))
        .WillOnce(Return(listing({photo("a"), photo("b"), photo("c")}, "c1", true)));
    e.pollAll();
    const auto engineThread = std::this_thread::get_id();
    EXPECT_CALL(sink, prepare(_, _)).Times(0);
    EXPECT_CALL(source, fetchFor(_, _))
        .Times(3)
        .WillRepeatedly([&](const Asset& a, const std::optional<FrameBox>&) {
            EXPECT_EQ(std::this_thread::get_id(), engineThread);
            return mediaFor(a);
        });
    EXPECT_EQ(e.deliverDue().delivered, 3u);
}

TEST_F(EngineTest, APreviewTheSinkCannotUseGivesWayToTheOriginal) {
    auto& e = engine();
    EXPECT_CALL(source, list("")).WillOnce(Return(listing({photo("raw")}, "c1", true)));
    e.pollAll();
    ON_CALL(source, fetchFor(_, _))
        .WillByDefault([](const Asset& a, const std::optional<FrameBox>&) {
            MediaFile m = mediaFor(a);
            m.isPreview = true;
            return m;
        });
    EXPECT_CALL(source, fetchPreview(_)).Times(0);
    EXPECT_CALL(source, fetch(_)).Times(1);
    EXPECT_CALL(sink, deliver(_, _))
        .WillOnce(
            [](const DeliveryRequest& r, const std::vector<Destination>&) -> std::vector<Outcome> {
                EXPECT_TRUE(r.media.isPreview);
                throw mediaError("the preview is damaged");
            })
        .WillOnce([](const DeliveryRequest& r, const std::vector<Destination>& d) {
            EXPECT_FALSE(r.media.isPreview) << "the original, not the preview again";
            return allDelivered(r, d);
        });
    EXPECT_EQ(e.deliverDue().delivered, 1u);
    EXPECT_EQ(statusOf("raw"), DeliveryStatus::Delivered);
}

TEST_F(EngineTest, WhenPreviewAndOriginalAreBothUnusableThePhotoFailsWithTheOriginalsReason) {
    auto& e = engine();
    EXPECT_CALL(source, list("")).WillOnce(Return(listing({photo("raw")}, "c1", true)));
    e.pollAll();
    ON_CALL(source, fetchFor(_, _))
        .WillByDefault([](const Asset& a, const std::optional<FrameBox>&) {
            MediaFile m = mediaFor(a);
            m.isPreview = true;
            return m;
        });
    EXPECT_CALL(sink, deliver(_, _))
        .WillOnce(
            [](const DeliveryRequest&, const std::vector<Destination>&) -> std::vector<Outcome> {
                throw mediaError("the preview is damaged");
            })
        .WillOnce(
            [](const DeliveryRequest&, const std::vector<Destination>&) -> std::vector<Outcome> {
                throw mediaError("a RAW file this libvips cannot read");
            });
    EXPECT_EQ(e.deliverDue().failed, 1u);
    EXPECT_EQ(rec("raw").detail, "a RAW file this libvips cannot read");
}

TEST_F(EngineTest, WhenThePreviewIsUnusableAndTheOriginalCannotBeDownloadedThePhotoIsTriedAgain) {
    auto& e = engine();
    EXPECT_CALL(source, list("")).WillOnce(Return(listing({photo("raw")}, "c1", true)));
    e.pollAll();
    ON_CALL(source, fetchFor(_, _))
        .WillByDefault([](const Asset& a, const std::optional<FrameBox>&) {
            MediaFile m = mediaFor(a);
            m.isPreview = true;
            return m;
        });
    EXPECT_CALL(source, fetch(_)).WillOnce([](const Asset&) -> MediaFile {
        throw unavailableError("HTTP 500 for the original");
    });
    EXPECT_CALL(sink, deliver(_, _))
        .WillOnce(
            [](const DeliveryRequest&, const std::vector<Destination>&) -> std::vector<Outcome> {
                throw mediaError("the preview is damaged");
            });
    const auto r = e.deliverDue();
    EXPECT_EQ(r.retrying, 1u);
    EXPECT_EQ(statusOf("raw"), DeliveryStatus::Queued);
    EXPECT_EQ(rec("raw").attempts, 1);
}

TEST_F(EngineTest, AMissingLocalFileFailsThatPhotoAndNamesIt) {
    test::TempDir library;
    auto& e = engine();
    EXPECT_CALL(source, list("")).WillOnce(Return(listing({photo("gone")}, "c1", true)));
    e.pollAll();
    ON_CALL(source, localMedia(_)).WillByDefault([&](const Asset& a) {
        return std::optional<LocalMedia>(LocalMedia{library / a.fileName, "image/jpeg"});
    });
    EXPECT_CALL(sink, deliver(_, _)).Times(0);
    EXPECT_EQ(e.deliverDue().failed, 1u);
    EXPECT_EQ(statusOf("gone"), DeliveryStatus::Failed);
    EXPECT_THAT(rec("gone").detail, ::testing::HasSubstr((library / "gone.jpg").string()));
}

TEST_F(EngineTest, UnavailableSinkKeepsEverythingQueued) {
    auto& e = engine();
    EXPECT_CALL(source, list(""))
        .WillOnce(Return(listing({photo("a"), photo("b"), photo("c")}, "c1", true)));
    e.pollAll();
    bool down = true;
    ON_CALL(sink, check(_)).WillByDefault([&](CheckReport& report) {
        if (down) report.fail("smtp", "connection refused", "start the server");
    });
    EXPECT_CALL(sink, deliver(_, _))
        .WillOnce(
            [](const DeliveryRequest&, const std::vector<Destination>&) -> std::vector<Outcome> {
                throw unavailableError("smtp.example.com:587: connection refused");
            })
        .WillRepeatedly(allDelivered);
    auto r = e.deliverDue();
    EXPECT_EQ(r.held, 1u) << "the sink's own check fails too: the whole sink's failure";
    EXPECT_EQ(r.waiting, 2u) << "the sink is not hammered once it is known to be down";
    EXPECT_EQ(r.delivered, 0u);
    EXPECT_EQ(rec("a").attempts, 0);
    EXPECT_EQ(statusOf("c"), DeliveryStatus::Queued);
    down = false;
    clock.advance(10min);
    EXPECT_EQ(e.deliverDue().delivered, 3u);
}

TEST_F(EngineTest, WhileTheSinksCheckStillFailsAfterItsHoldNoPhotoIsTried) {
    auto& e = engine();
    EXPECT_CALL(source, list("")).WillOnce(Return(listing({photo("a"), photo("b")}, "c1", true)));
    e.pollAll();
    ON_CALL(sink, check(_)).WillByDefault([](CheckReport& report) {
        report.fail("smtp", "connection refused", "start the server");
    });
    EXPECT_CALL(sink, deliver(_, _))
        .WillOnce(
            [](const DeliveryRequest&, const std::vector<Destination>&) -> std::vector<Outcome> {
                throw unavailableError("connection refused");
            });
    e.deliverDue();
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(e.nextDue().has_value());
        clock.set(*e.nextDue());
        auto r = e.deliverDue();
        EXPECT_EQ(r.waiting, 2u) << "the check is the probe: no photo is tried, none charged";
    }
    EXPECT_EQ(rec("a").attempts, 0);
    EXPECT_EQ(rec("b").attempts, 0);
    EXPECT_FALSE(e.health().ok());
}

TEST_F(EngineTest, UnreachableSourceIsReportedNotThrown) {
    auto& e = engine();
    EXPECT_CALL(source, list("")).WillOnce([](const std::string&) -> Listing {
        throw unavailableError("immich: connection refused");
    });
    auto polls = e.pollAll();
    EXPECT_FALSE(polls[0].ok);
    EXPECT_THAT(polls[0].error, ::testing::HasSubstr("connection refused"));
    EXPECT_TRUE(memory.cursors.empty()) << "no cursor may advance past an unseen listing";
    ASSERT_EQ(memory.passes.size(), 1u);
    EXPECT_FALSE(memory.passes[0].error.empty());
}

TEST_F(EngineTest, RateLimitHoldsDeliveriesBackPerMinute) {
    ON_CALL(sink, rateLimits()).WillByDefault(Return(RateLimits{2, 0}));
    auto& e = engine();
    EXPECT_CALL(source, list(""))
        .WillOnce(Return(listing({photo("a"), photo("b"), photo("c")}, "c1", true)));
    e.pollAll();
    EXPECT_EQ(e.deliverDue().delivered, 2u);
    EXPECT_EQ(statusOf("c"), DeliveryStatus::Queued);
    clock.advance(61s);
    EXPECT_EQ(e.deliverDue().delivered, 1u);
}

TEST_F(EngineTest, RejectsBadRoutes) {
    auto& e = engine();
    EXPECT_THROW(
        e.addRoute(Route{"john@example.com", "", &source, &sink, "pixstar", {{"x@y.com", ""}}}),
        Error);
    EXPECT_THROW(e.addRoute(Route{"other", "", &source, &sink, "pixstar", {}}), Error);
}

TEST_F(EngineTest, PrefetchedDownloadsReachTheRightDelivery) {
    auto& e = engine();
    std::vector<Asset> assets;
    for (int i = 0; i < 40; ++i) assets.push_back(photo("p" + std::to_string(i)));
    EXPECT_CALL(source, list("")).WillOnce(Return(listing(assets, "c1", true)));
    e.pollAll();
    std::atomic<int> inFetch{0};
    ON_CALL(source, fetch(_)).WillByDefault([&](const Asset& a) {
        EXPECT_EQ(++inFetch, 1) << "one call at a time into a source";
        MediaFile m = mediaFor(a);
        --inFetch;
        return m;
    });
    EXPECT_CALL(sink, deliver(_, _))
        .Times(40)
        .WillRepeatedly([](const DeliveryRequest& r, const std::vector<Destination>& d) {
            EXPECT_EQ(readFile(r.media.file.path()), "bytes of " + r.asset.id);
            return allDelivered(r, d);
        });
    EXPECT_EQ(e.deliverDue().delivered, 40u);
}

TEST_F(EngineTest, AnOutageNeverUsesUpAttempts) {
    EngineSettings s;
    s.maxAttempts = 2;
    auto& e = engine(s);
    EXPECT_CALL(source, list("")).WillOnce(Return(listing({photo("a"), photo("b")}, "c1", true)));
    e.pollAll();
    bool down = true;
    int checks = 0;
    ON_CALL(sink, check(_)).WillByDefault([&](CheckReport& report) {
        ++checks;
        if (down) report.fail("smtp", "smtp down", "start it");
    });
    int calls = 0;
    EXPECT_CALL(sink, deliver(_, _))
        .WillRepeatedly([&](const DeliveryRequest& r,
                            const std::vector<Destination>& d) -> std::vector<Outcome> {
            if (down) {
                ++calls;
                throw unavailableError("smtp down");
            }
            return allDelivered(r, d);
        });
    for (int i = 0; i < 6; ++i) {
        auto r = e.deliverDue();
        EXPECT_EQ(r.failed, 0u);
        EXPECT_EQ(calls, 1) << "after the first failure only the sink's check is tried";
        EXPECT_EQ(checks, i + 1) << "one check per outage step, not one per photo";
        ASSERT_TRUE(e.nextDue().has_value());
        EXPECT_GT(*e.nextDue(), clock.now()) << "the runner sleeps until the hold ends";
        clock.set(*e.nextDue());
    }
    EXPECT_EQ(rec("a").attempts, 0);
    down = false;
    EXPECT_EQ(e.deliverDue().delivered, 2u);
}

namespace {
/// A sink that reports each frame's outcome while it works, then fails before returning.
class EarlyReportingSink : public Sink {
  public:
    std::vector<Outcome> deliver(const DeliveryRequest&,
                                 const std::vector<Destination>& d) override {
        notifyOutcome(0, Outcome::delivered(10));
        if (d.size() > 1) throw unavailableError("connection lost after the first frame");
        return {Outcome::delivered(10)};
    }
};
}  // namespace

TEST_F(EngineTest, OutcomesReportedEarlyAreRecordedEvenIfTheSinkFailsLater) {
    EarlyReportingSink early;
    engine_ = std::make_unique<Engine>(store, clock, Logger(), EngineSettings{});
    engine_->addRoute(Route{"john@example.com",
                            "",
                            &source,
                            &early,
                            "pixstar",
                            {{"john-frame@mypixstar.com", ""}, {"kitchen@mypixstar.com", ""}}});
    EXPECT_CALL(source, list("")).WillOnce(Return(listing({photo("a")}, "c1", true)));
    engine_->pollAll();
    engine_->deliverDue();
    EXPECT_EQ(statusOf("a"), DeliveryStatus::Delivered)
        << "the first frame's message is never sent again";
    EXPECT_EQ(statusOf("a", "kitchen@mypixstar.com"), DeliveryStatus::Queued);
}

namespace {
/// The ids of the assets a retain() call was given, in order.
std::vector<std::string> idsOf(const RetainRequest& r) {
    std::vector<std::string> ids;
    for (const Asset& a : r.assets) ids.push_back(a.id);
    return ids;
}
}  // namespace

TEST_F(EngineTest, RetainHearsTheWholeFullListingOnceItIsCommitted) {
    auto& e = engine();
    EXPECT_CALL(source, list(""))
        .WillOnce(Return(listing({photo("a"), photo("b"), photo("a")}, "c1", true)));
    EXPECT_CALL(sink, retain(_, _))
        .WillOnce([&](const RetainRequest& r, const std::vector<Destination>& d) {
            EXPECT_EQ(r.route, "john@example.com");
            EXPECT_EQ(r.routeLabel, "John");
            EXPECT_EQ(idsOf(r), (std::vector<std::string>{"a", "b"})) << "each asset once";
            EXPECT_EQ(d, route().destinations);
            EXPECT_EQ(memory.cursors["john@example.com"].value, "c1") << "called after the commit";
            EXPECT_EQ(statusOf("a"), DeliveryStatus::Queued);
        });
    e.pollAll();
}

TEST_F(EngineTest, RetainIsNotCalledAfterAnIncrementalListing) {
    auto& e = engine();
    EXPECT_CALL(source, list("")).WillOnce(Return(listing({photo("a")}, "c1", true)));
    // An incremental listing only says what changed: "b" alone is not the route's whole set.
    EXPECT_CALL(source, list("c1")).WillOnce(Return(listing({photo("b")}, "c2", false)));
    EXPECT_CALL(sink, retain(_, _)).Times(1);
    e.pollAll();
    clock.advance(1h);
    EXPECT_FALSE(e.pollAll()[0].fullListing);
}

TEST_F(EngineTest, RetainIsNotCalledInADryRun) {
    auto& e = engine();
    EXPECT_CALL(source, list("")).WillOnce(Return(listing({photo("a")}, "c1", true)));
    EXPECT_CALL(sink, retain(_, _)).Times(0);
    e.pollAll(/*dryRun=*/true);
}

TEST_F(EngineTest, ARetainOutageIsLoggedOnceAndChangesNothingElse) {
    auto& e = engine();
    EXPECT_CALL(source, list(""))
        .WillOnce(Return(listing({photo("a")}, "c1", true)))
        .WillOnce(Return(listing({photo("a"), photo("b")}, "c2", true)))
        .WillOnce(Return(listing({photo("b")}, "c3", true)));
    EXPECT_CALL(sink, retain(_, _))
        .WillOnce([](const RetainRequest&, const std::vector<Destination>&) {
            throw unavailableError("/mnt/frames/living-room is read-only");
        })
        .WillOnce([](const RetainRequest&, const std::vector<Destination>&) {
            throw unavailableError("/mnt/frames/living-room is read-only");
        })
        .WillOnce(Return());

    EXPECT_TRUE(e.pollAll()[0].ok);
    EXPECT_EQ(e.deliverDue().delivered, 1u);
    clock.advance(25h);
    const auto second = e.pollAll();
    EXPECT_TRUE(second[0].ok);
    EXPECT_EQ(second[0].queued, 1u);
    EXPECT_EQ(memory.cursors["john@example.com"].value, "c2");
    EXPECT_EQ(e.deliverDue().delivered, 1u);
    EXPECT_EQ(statusOf("b"), DeliveryStatus::Delivered);
    EXPECT_EQ(logged->count("could not remove what is no longer listed"), 1u) << logged->text();
    EXPECT_EQ(logged->count("living-room is read-only"), 1u) << logged->text();

    clock.advance(25h);
    e.pollAll();  // the retry: the next full listing
    EXPECT_EQ(logged->count("can remove what is no longer listed again"), 1u) << logged->text();
}

TEST_F(EngineTest, ANonErrorExceptionFromRetainIsLoggedNotThrown) {
    auto& e = engine();
    EXPECT_CALL(source, list("")).WillOnce(Return(listing({photo("a")}, "c1", true)));
    EXPECT_CALL(sink, retain(_, _))
        .WillOnce([](const RetainRequest&, const std::vector<Destination>&) {
            throw std::runtime_error("map::at");
        });
    const auto polls = e.pollAll();
    EXPECT_TRUE(polls[0].ok);
    EXPECT_EQ(polls[0].queued, 1u);
    EXPECT_THAT(logged->text(),
                ::testing::HasSubstr("threw std::runtime_error: map::at (a bug in the plugin)"));
    EXPECT_EQ(e.deliverDue().delivered, 1u);
}

TEST_F(EngineTest, ResendHandsItsFullListingToRetainToo) {
    auto& e = engine();
    EXPECT_CALL(source, list(""))
        .WillRepeatedly(Return(listing({photo("a"), photo("b")}, "c1", true)));
    e.pollAll();
    EXPECT_CALL(sink, retain(_, _))
        .WillOnce([](const RetainRequest& r, const std::vector<Destination>&) {
            EXPECT_EQ(idsOf(r), (std::vector<std::string>{"a", "b"}));
        });
    EXPECT_EQ(e.resend(route()), 2u);
}

// Programs embedding the engine see one pointer: what changes inside does not change its size.
TEST(EngineLayout, IsOnePointerWhateverItsInternals) {
    static_assert(sizeof(Engine) == sizeof(void*), "Engine keeps its state behind its pointer");
    SUCCEED();
}
