// The engine's view of health: outages, holds and pauses per sink and route, kept with the
// state so that `pixsync status` (another process) reports what the daemon sees.
#include <set>

#include "pixsync/engine.hpp"
#include "pixsync/strings.hpp"
#include "plugin_call.hpp"

namespace pixsync {

bool Engine::startOutage(const GateKey& key, const std::string& reason) {
    auto [it, added] = outages_.try_emplace(key, Outage{clock_.now(), reason});
    if (!added) it->second.reason = reason;  // the latest words, the first time
    return added;
}

bool Engine::endOutage(const GateKey& key) { return outages_.erase(key) > 0; }

RateLimits Engine::limitsOf(const Route& route) {
    try {
        return guardPluginCall(cat("sink '", route.sinkName, "' rateLimits()"),
                               [&] { return route.sink->rateLimits(); });
    } catch (const Error&) {
        return {};
    }
}

HealthReport Engine::health() {
    HealthReport report;
    report.at = clock_.now();
    auto fromOutage = [&](ComponentHealth& c, const GateKey& key, HealthState state) {
        auto it = outages_.find(key);
        if (it == outages_.end()) return false;
        c.state = state;
        c.since = it->second.since;
        c.reason = it->second.reason;
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
            if (auto until = pausedUntil(r.sinkName)) {
                auto limited = rateLimited_.find(r.sinkName);
                const bool byLimit =
                    limited != rateLimited_.end() && limited->second.first == *until;
                c.state = byLimit ? HealthState::RateLimited : HealthState::QuotaPaused;
                c.until = until;
                if (byLimit)
                    c.reason = limited->second.second;
                else if (auto why = pauseReasons_.find(r.sinkName); why != pauseReasons_.end())
                    c.reason = why->second;
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

void Engine::publishHealth() {
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
