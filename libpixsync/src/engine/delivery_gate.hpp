#pragma once
// The delivery gate: what keeps a due delivery from going out now. Quota pauses (kept with
// the state, so they survive a restart), rate windows per minute and per day, holds of a
// whole sink or source (in memory: a reload or a restart is how the owner applies a fix),
// and the outages behind them, each logged once.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pixsync/clock.hpp"
#include "pixsync/host/route.hpp"
#include "pixsync/sink.hpp"
#include "pixsync/state_store.hpp"

namespace pixsync {

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

/// Something that is failing since a time, for a reason.
struct Outage {
    TimePoint since{};
    std::string reason;
};

/// Why a sink is not sending although it works.
struct SinkPause {
    enum class Cause {
        Quota,      ///< the sink answered with a quota reply
        RateLimit,  ///< the configured limit per minute or per day is reached
    };
    Cause cause = Cause::Quota;
    TimePoint until{};
    std::string reason;  ///< the quota reply, or "at most 450 a day"
};

/// The gate's answer to "may this delivery go now?".
struct GateVerdict {
    enum class Kind {
        Go,           ///< yes
        SinkHeld,     ///< the sink failed as a whole; wait for it (or a reload)
        SourceHeld,   ///< the route's downloads failed as a whole
        QuotaPaused,  ///< the sink's quota is used up
        RateLimited,  ///< the sink's configured limit is reached
    };
    Kind kind = Kind::Go;
    std::optional<TimePoint> until;  ///< when it may go (not for Go)
    std::string reason;
    bool started = false;  ///< a rate limit was reached just now (the caller logs it once)
    bool go() const noexcept { return kind == Kind::Go; }
};

/// The gate of one engine. Not thread-safe, like the engine.
class DeliveryGate {
  public:
    /// How long to hold a key after its n-th failure in a row.
    using HoldDelay = std::function<Duration(int failures)>;

    DeliveryGate(StateStore& store, const Clock& clock, HoldDelay holdDelay);

    /// May a delivery of `route` go now, given its sink's limits? Reaching a rate limit
    /// starts a rate pause (verdict.started).
    GateVerdict admit(const Route& route, const RateLimits& limits);
    /// Whether anything already keeps the route's deliveries back (no new rate pause).
    bool blocked(const Route& route);

    /// Until when the sink's quota pause or rate pause lasts, whichever ends later.
    std::optional<TimePoint> pausedUntil(const std::string& sinkName);
    /// The sink's current pause (quota before rate limit), if any.
    std::optional<SinkPause> pause(const std::string& sinkName);
    /// Pauses the sink for its quota until `until` and keeps that with the state. False when
    /// it was already paused at least as long (nothing to log).
    bool pauseForQuota(const std::string& sinkName, TimePoint until, const std::string& why);

    /// Counts a delivery against the sink's rate windows.
    void countDelivery(const std::string& sinkName);

    /// Holds `key` back with a delay growing with each failure in a row; returns its end.
    TimePoint hold(const GateKey& key);
    /// Until when `key` is held, if it is.
    std::optional<TimePoint> heldUntil(const GateKey& key) const;
    /// Ends the hold of `key` (it answered again).
    void release(const GateKey& key);

    /// Records an outage; true when it is new (the caller logs it, once).
    bool startOutage(const GateKey& key, const std::string& reason);
    /// Ends an outage; true when there was one (the caller logs the recovery).
    bool endOutage(const GateKey& key);
    /// The outage of `key`, or nullptr.
    const Outage* outage(const GateKey& key) const;

    /// The earliest time a pause or hold of these routes ends, if any does.
    std::optional<TimePoint> earliestEnd(const std::vector<Route>& routes);

  private:
    /// Deliveries counted against a sink's rate limits.
    struct RateWindow {
        bool seeded = false;
        TimePoint minuteStart{}, dayStart{};
        std::uint64_t minute = 0, day = 0;
    };
    struct Hold {
        int failures = 0;
        TimePoint until{};
    };

    /// The stored quota pause of the sink (read from the state once, then cached).
    std::optional<TimePoint>& quotaPause(const std::string& sinkName);
    /// Whether the sink's limits are reached now; if so, starts a rate pause.
    bool limitReached(const std::string& sinkName, const RateLimits& limits);
    bool active(const std::optional<TimePoint>& until) const;

    StateStore& store_;
    const Clock& clock_;
    HoldDelay holdDelay_;
    std::map<std::string, std::optional<TimePoint>> quotaUntil_;
    std::map<std::string, std::string> quotaReasons_;
    std::map<std::string, SinkPause> ratePauses_;
    std::map<std::string, RateWindow> windows_;
    std::map<GateKey, Outage> outages_;
    std::map<GateKey, Hold> holds_;
};

}  // namespace pixsync
