#pragma once
/// @file health_model.hpp
/// The health of each sink and route, as the engine sees it. One model behind every output:
/// `pixsync status` (text and JSON), /healthz and /metrics.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pixsync/clock.hpp"

namespace pixsync {

class StateStore;

/// What a sink or a route is doing.
enum class HealthState {
    Ok,           ///< working (or idle)
    Failing,      ///< cannot be used since `since`: unreachable, login refused, listing fails
    Held,         ///< lists fine, but its photos cannot be fetched (a missing permission)
    RateLimited,  ///< the configured send limit is reached until `until`
    QuotaPaused,  ///< the server's sending quota is reached until `until`
};

/// "ok", "failing", "held", "rate-limited", "quota-paused".
const char* toString(HealthState state) noexcept;

/// True for the states that need someone to act or wait for an outage: Failing and Held.
/// They hold the queue, make `status` exit 1, /healthz answer 503 and the up gauges 0.
inline bool isFailing(HealthState state) noexcept {
    return state == HealthState::Failing || state == HealthState::Held;
}

/// The health of one sink (`name` is the sink's name) or route (`name` is the route's id).
struct ComponentHealth {
    std::string name;
    HealthState state = HealthState::Ok;
    std::string reason;                    ///< why, for Failing and Held (and pauses)
    std::optional<TimePoint> since;        ///< when Failing or Held started
    std::optional<TimePoint> until;        ///< end of RateLimited and QuotaPaused
    std::optional<TimePoint> lastSuccess;  ///< last delivery (sink) or poll that worked (route)
    unsigned perMinute = 0, perDay = 0;    ///< the sink's send limits (0: none); sinks only
};

/// Everything the engine knows about health, at `at`.
struct HealthReport {
    TimePoint at{};
    std::vector<ComponentHealth> sinks;
    std::vector<ComponentHealth> routes;

    /// True when no sink and no route is failing or held.
    bool ok() const;
};

/// One line: "ok", "failing since 2026-12-04T21:00:00Z: <reason>", "held since …: <reason>",
/// "rate-limited until …", "quota-paused until …: <reason>".
std::string describe(const ComponentHealth& health);

/// When `queued` deliveries will have gone out at the sink's limits, starting from `start`
/// (the end of a pause, or now); nullopt when the sink has no limits (as fast as it sends).
std::optional<TimePoint> queueEmptiesAt(const ComponentHealth& sink, std::uint64_t queued,
                                        TimePoint start);

/// Stores the report with the state, so `pixsync status` (another process) can read it.
void saveHealth(StateStore& store, const HealthReport& report);
/// The report last saved, if any.
std::optional<HealthReport> loadHealth(StateStore& store);

}  // namespace pixsync
