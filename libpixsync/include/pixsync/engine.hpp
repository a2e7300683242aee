#pragma once
/// @file engine.hpp
/// The sync engine: poll -> plan (diff against state) -> durable outbox -> deliver with
/// retries, backoff and rate limits -> record. Deterministic given a Clock and a seed.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "pixsync/clock.hpp"
#include "pixsync/error.hpp"
#include "pixsync/health_model.hpp"
#include "pixsync/log.hpp"
#include "pixsync/route.hpp"
#include "pixsync/state_store.hpp"

namespace pixsync {

/// Tunables of the engine. The defaults are what the daemon uses.
struct EngineSettings {
    /// A full listing is made when the last one is older than this (and on a route's first
    /// pass); other polls are incremental.
    Duration reconcileInterval = std::chrono::hours(24);
    /// Attempts before a delivery that keeps failing transiently is recorded Failed.
    int maxAttempts = 10;
    /// Backoff after the n-th failed attempt: base * 2^(n-1), capped, with +-20% jitter.
    Duration backoffBase = std::chrono::minutes(1);
    Duration backoffCap = std::chrono::hours(6);
    /// On a route's first pass, record current favorites as a baseline instead of sending
    /// them (the original sends them all; this is the "start from now" option).
    bool startFromNow = false;
    /// Seed for the backoff jitter (tests fix it).
    std::uint64_t jitterSeed = 0;
};

/// One planned or performed delivery, as reported to the caller.
struct PlannedDelivery {
    std::string route;
    Asset asset;
    std::string destination;
};

/// Result of polling one route.
struct PollReport {
    std::string route;
    bool ok = true;
    std::string error;          ///< why the poll failed (source unavailable, ...)
    bool fullListing = false;
    Duration duration{0};       ///< how long the listing took
    std::uint64_t listed = 0;   ///< assets in the listing
    std::uint64_t queued = 0;   ///< new deliveries put in the outbox
    std::uint64_t skipped = 0;  ///< deliveries not made (already delivered elsewhere, baseline)
    std::vector<PlannedDelivery> planned;  ///< what was (or, in a dry run, would be) queued
};

/// Result of delivering what was due.
struct DeliverReport {
    std::uint64_t delivered = 0;
    std::uint64_t retrying = 0;
    std::uint64_t failed = 0;
    std::uint64_t paused = 0;   ///< Paused outcomes: the sink's quota was reached
    std::uint64_t held = 0;     ///< deliveries kept queued because their sink or source failed
    std::uint64_t waiting = 0;  ///< due deliveries not tried: their sink is paused, rate-limited
                                ///< or failing, or their source is failing
    std::uint64_t bytes = 0;
    bool sourceUnavailable = false;  ///< a fetch failed because a source is unreachable
    bool sinkUnavailable = false;    ///< a sink could not deliver anything (unreachable, TLS, auth)
};

/// Called with (done, total) during long work (resend, large first syncs).
using ProgressFn = std::function<void(std::uint64_t done, std::uint64_t total)>;

/// The engine. Not thread-safe: drive it from one thread (the daemon's loop).
class Engine {
public:
    Engine(StateStore& store, const Clock& clock, Logger log, EngineSettings settings = {});

    /// Adds a route. Throws Error(Config) for a duplicate id or a route without destinations.
    void addRoute(Route route);
    const std::vector<Route>& routes() const noexcept { return routes_; }
    /// The route with this id, or nullptr.
    const Route* findRoute(const std::string& id) const;

    /// Polls one route and commits the plan (unless dryRun). Source failures are reported
    /// in the PollReport, not thrown; store failures are thrown.
    PollReport poll(const Route& route, bool dryRun = false);
    /// Polls every route.
    std::vector<PollReport> pollAll(bool dryRun = false);

    /// Delivers queued deliveries that are due now, until none is due, `limit` deliveries
    /// were attempted, or `stop` becomes true. Respects sink pauses and rate limits.
    DeliverReport deliverDue(std::uint64_t limit = UINT64_MAX,
                             const std::atomic<bool>* stop = nullptr,
                             const ProgressFn& progress = {});

    /// Re-queues every current favorite of the route for every destination (a full listing,
    /// so the sink's retain() hears of it as after a poll). Returns the number of deliveries
    /// queued.
    std::uint64_t resend(const Route& route, const ProgressFn& progress = {});

    /// When the next queued delivery is due, taking sink pauses into account.
    std::optional<TimePoint> nextDue();

    /// Until when a sink is paused (quota), if it is.
    std::optional<TimePoint> pausedUntil(const std::string& sinkName);

    /// The backoff after `attempts` failed attempts (without jitter); exposed for tests/docs.
    Duration backoff(int attempts) const;

    /// The health of every configured sink and route now (see health_model.hpp). The engine
    /// also keeps it with the state (saveHealth()) after each poll and delivery pass.
    HealthReport health();

private:
    /// Deliveries counted against a sink's rate limits.
    struct RateWindow {
        bool seeded = false;
        TimePoint minuteStart{}, dayStart{};
        std::uint64_t minute = 0, day = 0;
    };

    StateStore& store_;
    const Clock& clock_;
    Logger log_;
    EngineSettings settings_;
    std::vector<Route> routes_;
    std::mt19937_64 jitter_;
    std::map<std::string, std::optional<TimePoint>> pauses_;  ///< cache of the store's pause records
    std::map<std::string, RateWindow> windows_;
    /// What an outage or a hold is about.
    struct GateKey {
        enum class Kind {
            Listing,    ///< a route's source listing (name: the route)
            Downloads,  ///< a route's source downloads (name: the route)
            Sink,       ///< a sink instance (name: the sink)
            Retain,     ///< a sink's retain() for a route (name: the route)
        };
        Kind kind;
        std::string name;
        auto operator<=>(const GateKey&) const = default;
        static GateKey listing(const std::string& route) { return {Kind::Listing, route}; }
        static GateKey downloads(const std::string& route) { return {Kind::Downloads, route}; }
        static GateKey sink(const std::string& sinkName) { return {Kind::Sink, sinkName}; }
        static GateKey retain(const std::string& route) { return {Kind::Retain, route}; }
    };
    /// What is currently failing; each logged once per outage.
    struct Outage {
        TimePoint since{};
        std::string reason;
    };
    std::map<GateKey, Outage> outages_;
    /// Sources and sinks that cannot be used (Downloads, Sink), held back with a growing delay
    /// until they answer again, a reload or a restart.
    struct Hold {
        int failures = 0;
        TimePoint until{};
    };
    std::map<GateKey, Hold> holds_;
    /// Sinks whose pause in pauses_ is the configured rate limit, not a quota reply: its end
    /// and which limit it is ("at most 450 a day").
    std::map<std::string, std::pair<TimePoint, std::string>> rateLimited_;
    std::map<std::string, std::string> pauseReasons_;  ///< the quota reply behind a pause
    std::map<std::string, TimePoint> sinkSuccess_, routeSuccess_;  ///< last delivery / poll
    std::string savedHealth_;    ///< what saveHealth() last wrote, without the times of success
    TimePoint savedHealthAt_{};

    /// Records an outage; true when it is new (then the caller logs it).
    bool startOutage(const GateKey& key, const std::string& reason);
    /// Ends an outage; true when there was one (then the caller logs the recovery).
    bool endOutage(const GateKey& key);
    /// Keeps health() with the state when it changed (or its success times are a minute old).
    void publishHealth();

    bool wantsFullListing(const std::optional<RouteCursor>& cursor) const;
    /// Hands a committed full listing to the route's sink (Sink::retain()); what it throws
    /// is logged, never passed on.
    void retain(const Route& route, const std::vector<Asset>& listed);
    Plan plan(const Route& route, const Listing& listing, const std::optional<RouteCursor>& cursor,
              PollReport& report);
    bool rateLimited(const Route& route, TimePoint now, TimePoint* until);
    /// The sink's rateLimits(), guarded like every plugin call (none when it throws).
    static RateLimits limitsOf(const Route& route);
    void countDelivery(const std::string& sinkName);
    TimePoint hold(const GateKey& key);
    std::optional<TimePoint> heldUntil(const GateKey& key) const;
    bool blocked(const Route& route);
    Duration jittered(Duration d);
    void pauseSink(const std::string& sinkName, TimePoint until, const std::string& why);
    /// A download's result, carried from the prefetch thread to the delivering one.
    struct Fetched {
        std::optional<MediaFile> media;
        std::optional<Error> error;
    };
    static Fetched fetchMedia(const Route& route, const Asset& asset);
    /// Marks the route's sink as unable to deliver (logged once per outage) and holds it.
    void holdSink(const Route& route, const std::string& why, DeliverReport& report);
    void deliverGroup(const Route& route, const std::vector<const QueuedDelivery*>& items,
                      Fetched fetched, const std::function<void()>& quiesceSource,
                      DeliverReport& report);
    void apply(const QueuedDelivery& q, const Route& route, const Outcome& o, DeliverReport& report);
    void reschedule(const QueuedDelivery& q, const Route* route, const std::string& reason,
                    Duration hint, DeliverReport& report);
    void fail(const QueuedDelivery& q, const Route& route, const std::string& reason,
              DeliverReport& report);
};

}  // namespace pixsync
