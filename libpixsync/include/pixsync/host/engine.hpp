#pragma once
/// @file engine.hpp
/// The sync engine: poll -> plan (diff against state) -> durable outbox -> deliver with
/// retries, backoff and rate limits -> record. Deterministic given a Clock and a seed.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "pixsync/clock.hpp"
#include "pixsync/error.hpp"
#include "pixsync/host/health_model.hpp"
#include "pixsync/host/route.hpp"
#include "pixsync/log.hpp"
#include "pixsync/state_store.hpp"

namespace pixsync {

/// Tunables of the engine. The defaults are what the daemon uses.
struct EngineSettings {
    /// A full listing is made when the last one is older than this (and on a route's first
    /// pass); other polls are incremental.
    Duration reconcileInterval = std::chrono::hours(24);
    /// Attempts before a delivery that keeps failing is recorded Failed: a photo the source
    /// cannot serve or the sink keeps refusing, while other photos go through. What fails for
    /// the whole source or sink (an outage, a refused login) uses no attempt.
    int maxAttempts = 10;
    /// Backoff after the n-th failed attempt: base * 2^(n-1), capped, with +-20% jitter. With
    /// the defaults, ten attempts span about a day and a half (5, 10, 20 … 640 minutes, then
    /// 12 hours).
    Duration backoffBase = std::chrono::minutes(5);
    Duration backoffCap = std::chrono::hours(12);
    /// Within a route, the oldest favorite goes out first instead of the newest.
    bool oldestFirst = false;
    /// On a route's first pass, record current favorites as a baseline instead of sending
    /// them (the original sends them all; this is the "start from now" option).
    bool startFromNow = false;
    /// Photos downloaded and made ready (Sink::prepare()) while the current one is sent, one
    /// after the other on one download thread: 0 does everything in turn, on the engine's
    /// thread. More than one only evens out uneven send times: the work ahead is serial, so
    /// peak memory does not grow with it; disk use grows by a photo and its frame files each.
    std::size_t photosAhead = 1;
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
    std::string error;  ///< why the poll failed (source unavailable, ...)
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

/// The engine. Not thread-safe: drive it from one thread (the daemon's loop). Its state
/// lives behind a pointer, so that programs embedding it see the same layout whatever
/// changes inside.
class Engine {
  public:
    Engine(StateStore& store, const Clock& clock, Logger log, EngineSettings settings = {});
    ~Engine();
    Engine(Engine&&) noexcept;
    Engine& operator=(Engine&&) noexcept;
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    /// Adds a route. Throws Error(Config) for a duplicate id or a route without destinations.
    void addRoute(Route route);
    const std::vector<Route>& routes() const noexcept;
    /// The route with this id, or nullptr.
    const Route* findRoute(const std::string& id) const;

    /// Polls one route and commits the plan (unless dryRun). Source failures are reported
    /// in the PollReport, not thrown; store failures are thrown.
    PollReport poll(const Route& route, bool dryRun = false);
    /// Polls every route.
    std::vector<PollReport> pollAll(bool dryRun = false);

    /// Delivers queued deliveries that are due now, until none is due, `limit` deliveries
    /// were attempted, `stop` becomes true or the clock reaches `until` (the daemon's next
    /// poll). Routes take turns, the one served longest ago first; within a route the newest
    /// favorite goes first and a photo that failed before goes after the others. Respects
    /// sink pauses and rate limits. A state store that cannot record an outcome throws
    /// Error(State); nothing is marked failed.
    DeliverReport deliverDue(std::uint64_t limit = UINT64_MAX,
                             const std::atomic<bool>* stop = nullptr,
                             const ProgressFn& progress = {},
                             std::optional<TimePoint> until = std::nullopt);

    /// Re-queues every current favorite of the route for every destination (a full listing,
    /// so the sink's retain() hears of it as after a poll). Returns the number of deliveries
    /// queued.
    std::uint64_t resend(const Route& route, const ProgressFn& progress = {});

    /// When the next queued delivery is due, taking sink pauses into account.
    std::optional<TimePoint> nextDue();

    /// Until when a sink is paused (a quota reply, kept with the state across restarts, or
    /// its rate limit), if it is.
    std::optional<TimePoint> pausedUntil(const std::string& sinkName);

    /// The backoff after `attempts` failed attempts (without jitter); exposed for tests/docs.
    Duration backoff(int attempts) const;

    /// The health of every configured sink and route now (see health_model.hpp). The engine
    /// also keeps it with the state (saveHealth()) after each poll and delivery pass.
    HealthReport health();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace pixsync
