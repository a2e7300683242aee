#pragma once
// The engine's inside: polling and planning (engine.cpp), delivery (delivery.cpp, through the
// gate in delivery_gate.cpp), the routes' turns (turns.cpp), whose failure it is
// (failure_scope.cpp) and health (engine_health.cpp).

#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "delivery_gate.hpp"
#include "failure_streaks.hpp"
#include "media_in_hand.hpp"
#include "pixsync/host/engine.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync {

struct Engine::Impl {
    Impl(StateStore& store, const Clock& clock, Logger log, EngineSettings settings);

    StateStore& store_;
    const Clock& clock_;
    Logger log_;
    EngineSettings settings_;
    std::vector<Route> routes_;
    std::mt19937_64 jitter_;
    DeliveryGate gate_;
    FailureStreaks streaks_;
    std::map<std::string, TimePoint> sinkSuccess_, routeSuccess_;  ///< last delivery / poll
    std::map<std::string, std::uint64_t> lastTurn_;  ///< per route: its latest turn's number
    std::uint64_t turns_ = 0;                        ///< turns taken so far
    std::string savedHealth_;  ///< what saveHealth() last wrote, without the times of success
    TimePoint savedHealthAt_{};

    // Polling and planning (engine.cpp).
    const Route* findRoute(const std::string& id) const;
    PollReport poll(const Route& route, bool dryRun);
    bool wantsFullListing(const std::optional<RouteCursor>& cursor) const;
    /// Hands a committed full listing to the route's sink (Sink::retain()); what it throws
    /// is logged, never passed on.
    void retain(const Route& route, const std::vector<Asset>& listed);
    Plan plan(const Route& route, const Listing& listing, const std::optional<RouteCursor>& cursor,
              PollReport& report);
    /// Adds to a full listing's plan the route's queued deliveries of photos it no longer
    /// lists, as skipped.
    void dropUnfavorited(const Route& route, const std::set<std::string>& listed, Plan& p,
                         PollReport& report);
    std::uint64_t resend(const Route& route, const ProgressFn& progress);
    Duration backoff(int attempts) const;
    Duration jittered(Duration d);

    // Health (engine_health.cpp).
    HealthReport health();
    /// Keeps health() with the state when it changed (or its success times are a minute old).
    void publishHealth();
    /// The sink's rateLimits(), guarded like every plugin call (none when it throws).
    static RateLimits limitsOf(const Route& route);

    // Delivery (delivery.cpp).
    /// A download's result, carried from the prefetch thread to the delivering one.
    struct Fetched {
        std::optional<MediaInHand> media;
        std::optional<Error> error;
        bool madeReady = false;  ///< prefetched, with the sink's head start (Sink::prepare())
    };
    /// Deliveries of one asset of one route that are due together: fetched once, sent to
    /// each frame.
    struct AssetGroup {
        std::string route, assetId;
        std::vector<const QueuedDelivery*> items;
    };
    class GroupDelivery;
    class Prefetcher;

    DeliverReport deliverDue(std::uint64_t limit, const std::atomic<bool>* stop,
                             const ProgressFn& progress, std::optional<TimePoint> until);
    /// Groups a due batch by (route, asset) in outbox order, leaving out what was attempted.
    static std::vector<AssetGroup> groupDue(const std::vector<QueuedDelivery>& batch,
                                            const std::set<DeliveryKey>& attempted);

    // The routes' turns (turns.cpp).
    /// The due deliveries of every route, grouped by asset, in the order they go out: one
    /// group of each route in turn, the route served longest ago first; within a route, the
    /// store's order (StateStore::dueForRoute()) with photos that just failed last. Leaves
    /// out what was attempted and the `resting` routes. The groups point into `batches`.
    std::vector<AssetGroup> dueInTurn(std::vector<std::vector<QueuedDelivery>>& batches,
                                      const std::set<DeliveryKey>& attempted,
                                      const std::set<std::string>& resting);
    /// Notes that the route had its turn.
    void tookTurn(const Route& route) { lastTurn_[route.id] = ++turns_; }

    // Whose failure it is (failure_scope.cpp).
    enum class FailureScope {
        Photo,  ///< this photo's: it uses an attempt and backs off alone
        Whole,  ///< the whole source or sink's: its photos wait, using no attempt
    };
    /// Judges a download that failed (not Error(Media)): the route's listing failing, several
    /// different photos failing in a row (this one among them), or the source's own check()
    /// failing make it the whole source's. `quiesce` first stops the work ahead from using
    /// the source.
    FailureScope scopeOfDownloadFailure(const Route& route, const std::function<void()>& quiesce);
    /// Judges a delivery of `photo` the sink could not make (Error(Unavailable) or a Held
    /// outcome): several different photos in a row, or the sink's own check() failing (for
    /// SMTP: connect, TLS, login) make it the whole sink's.
    FailureScope scopeOfSinkFailure(const Route& route, const std::string& photo,
                                    const std::function<void()>& quiesce);
    /// What the source's or sink's own check() finds wrong (sends nothing), or nullopt.
    std::optional<std::string> probeSource(const Route& route);
    std::optional<std::string> probeSink(const Route& route);
    /// A source or sink whose hold just ended is probed before a photo is tried again: false
    /// (and held again) when it still fails, so no photo is charged for it.
    bool probedAfterHold(const Route& route, const std::function<void()>& quiesce);

    /// Asks the gate whether the group's route may deliver now; counts it waiting if not.
    bool admitted(const Route& route, const AssetGroup& group, DeliverReport& report,
                  const std::function<void()>& quiesce);
    /// The route's destinations of these deliveries, with their frame profiles.
    static std::vector<Destination> destinationsOf(const Route& route,
                                                   const std::vector<const QueuedDelivery*>& items);
    /// The box the route's sink fits these deliveries' pictures into (Sink::frameBox()); none
    /// when the sink takes the media as it is, or its answer is a fault.
    static std::optional<FrameBox> frameBoxOf(const Route& route,
                                              const std::vector<const QueuedDelivery*>& items);
    /// The asset's media for pictures fitted into `box`: the source's own file, or a download.
    /// Runs on the prefetch thread, so it calls the source only (frameBoxOf() asks the sink).
    /// Notes the download's end in the route's failure streak as it comes.
    Fetched fetchMedia(const Route& route, const Asset& asset, const std::optional<FrameBox>& box);
    /// Gives the route's sink a head start on delivering `media` (Sink::prepare()); on the
    /// prefetch thread. Whatever the sink throws is dropped: deliver() meets it again.
    static void prepareAhead(const Route& route, const Asset& asset, const MediaFile& media,
                             const std::vector<Destination>& destinations);
    void deliverGroup(const Route& route, const std::vector<const QueuedDelivery*>& items,
                      Fetched fetched, const std::function<void()>& quiesceSource,
                      DeliverReport& report);
    /// Marks the route's sink as unable to deliver (logged once per outage) and holds it.
    void holdSink(const Route& route, const std::string& why, DeliverReport& report);
    void pauseSink(const std::string& sinkName, TimePoint until, const std::string& why);
    /// Records an attempt's result; its detail (a server's reply, a plugin's message) is made
    /// valid UTF-8 first, so that the state and every JSON drawn from it stay readable.
    void recordOutcome(DeliveryRecord r) {
        r.detail = validUtf8(r.detail);
        store_.record(r);
    }
    void apply(const QueuedDelivery& q, const Route& route, const Outcome& o,
               DeliverReport& report);
    void reschedule(const QueuedDelivery& q, const Route* route, const std::string& reason,
                    Duration hint, DeliverReport& report);
    void fail(const QueuedDelivery& q, const Route& route, const std::string& reason,
              DeliverReport& report);
    std::optional<TimePoint> nextDue();
};

}  // namespace pixsync
