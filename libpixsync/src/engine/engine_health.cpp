// The engine's view of health: outages, holds and pauses per sink and route, kept with the
// state so that `pixsync status` (another process) reports what the daemon sees.
#include <set>

#include "engine_impl.hpp"
#include "pixsync/util/strings.hpp"
#include "plugin_call.hpp"

namespace pixsync {

RateLimits Engine::Impl::limitsOf(const Route& route) {
    try {
        return guardPluginCall(cat("sink '", route.sinkName, "' rateLimits()"),
                               [&] { return route.sink->rateLimits(); });
    } catch (const Error&) {
        return {};
    }
}

HealthReport Engine::Impl::health() {
    HealthReport report;
    report.at = clock_.now();
    auto fromOutage = [&](ComponentHealth& c, const GateKey& key, HealthState state) {
        const Outage* outage = gate_.outage(key);
        if (!outage) return false;
        c.state = state;
        c.since = outage->since;
        c.reason = outage->reason;
        return true;
    };
    auto success = [](const std::map<std::string, TimePoint>& m, const std::string& name) {
        auto it = m.find(name);
        return it == m.end() ? std::optional<TimePoint>() : it->second;
    };
    std::set<std::string> sinks;
    for (const auto& r : routes_) {
        if (!sinks.insert(r.sinkName).second) continue;
        ComponentHealth c;
        c.name = r.sinkName;
        const RateLimits limits = limitsOf(r);
        c.perMinute = limits.perMinute;
        c.perDay = limits.perDay;
        c.lastSuccess = success(sinkSuccess_, r.sinkName);
        if (!fromOutage(c, GateKey::sink(r.sinkName), HealthState::Failing)) {
            if (auto pause = gate_.pause(r.sinkName)) {
                c.state = pause->cause == SinkPause::Cause::Quota ? HealthState::QuotaPaused
                                                                  : HealthState::RateLimited;
                c.until = pause->until;
                c.reason = pause->reason;
            }
        }
        report.sinks.push_back(std::move(c));
    }
    for (const auto& r : routes_) {
        ComponentHealth c;
        c.name = r.id;
        c.lastSuccess = success(routeSuccess_, r.id);
        // A listing that fails is an outage; a listing that works while downloads are
        // refused (a key without asset.download) holds the route's photos.
        if (!fromOutage(c, GateKey::listing(r.id), HealthState::Failing))
            fromOutage(c, GateKey::downloads(r.id), HealthState::Held);
        report.routes.push_back(std::move(c));
    }
    return report;
}

void Engine::Impl::publishHealth() {
    HealthReport report = health();
    std::string signature;
    for (const auto* list : {&report.sinks, &report.routes})
        for (const auto& c : *list) signature += cat(c.name, '\n', describe(c), '\n');
    // Success times change with every delivery: kept at most once a minute.
    const TimePoint now = clock_.now();
    if (signature == savedHealth_ && now - savedHealthAt_ < std::chrono::minutes(1)) return;
    saveHealth(store_, report);
    savedHealth_ = std::move(signature);
    savedHealthAt_ = now;
}

}  // namespace pixsync
