// The delivery gate: pauses, rate windows, holds and outages in one place.
#include "delivery_gate.hpp"

#include <exception>

#include "pixsync/util/strings.hpp"

namespace pixsync {

namespace {
/// The state's metadata key of a sink's quota pause (Unix milliseconds).
std::string quotaPauseKey(const std::string& sinkName) { return "sink_paused_until:" + sinkName; }
// The server's words that started the pause, so that a restarted daemon still says why.
std::string quotaReasonKey(const std::string& sinkName) { return "sink_paused_reason:" + sinkName; }
}  // namespace

DeliveryGate::DeliveryGate(StateStore& store, const Clock& clock, HoldDelay holdDelay)
    : store_(store), clock_(clock), holdDelay_(std::move(holdDelay)) {}

bool DeliveryGate::active(const std::optional<TimePoint>& until) const {
    return until && *until > clock_.now();
}

GateVerdict DeliveryGate::admit(const Route& route, const RateLimits& limits) {
    GateVerdict v;
    auto heldBy = [&](const GateKey& key, GateVerdict::Kind kind) {
        auto until = heldUntil(key);
        if (!until) return false;
        v.kind = kind;
        v.until = until;
        if (const Outage* o = outage(key)) v.reason = o->reason;
        return true;
    };
    if (heldBy(GateKey::sink(route.sinkName), GateVerdict::Kind::SinkHeld) ||
        heldBy(GateKey::downloads(route.id), GateVerdict::Kind::SourceHeld))
        return v;
    if (!pausedUntil(route.sinkName)) v.started = limitReached(route.sinkName, limits);
    if (auto p = pause(route.sinkName)) {
        v.kind = p->cause == SinkPause::Cause::Quota ? GateVerdict::Kind::QuotaPaused
                                                     : GateVerdict::Kind::RateLimited;
        v.until = p->until;
        v.reason = p->reason;
    }
    return v;
}

bool DeliveryGate::blocked(const Route& route) {
    return pausedUntil(route.sinkName) || heldUntil(GateKey::sink(route.sinkName)) ||
           heldUntil(GateKey::downloads(route.id));
}

std::optional<TimePoint>& DeliveryGate::quotaPause(const std::string& sinkName) {
    auto it = quotaUntil_.find(sinkName);
    if (it == quotaUntil_.end()) {
        std::optional<TimePoint> until;
        if (auto v = store_.meta(quotaPauseKey(sinkName))) {
            try {
                until = fromUnixMillis(std::stoll(*v));
            } catch (const std::exception&) {
                // An unreadable pause record only means "not paused".
            }
            if (auto why = store_.meta(quotaReasonKey(sinkName))) quotaReasons_[sinkName] = *why;
        }
        it = quotaUntil_.emplace(sinkName, until).first;
    }
    return it->second;
}

std::optional<SinkPause> DeliveryGate::pause(const std::string& sinkName) {
    if (const auto& until = quotaPause(sinkName); active(until)) {
        auto why = quotaReasons_.find(sinkName);
        return SinkPause{SinkPause::Cause::Quota, *until,
                         why == quotaReasons_.end() ? std::string() : why->second};
    }
    if (auto it = ratePauses_.find(sinkName); it != ratePauses_.end() && active(it->second.until))
        return it->second;
    return std::nullopt;
}

std::optional<TimePoint> DeliveryGate::pausedUntil(const std::string& sinkName) {
    std::optional<TimePoint> until;
    if (const auto& quota = quotaPause(sinkName); active(quota)) until = quota;
    if (auto it = ratePauses_.find(sinkName); it != ratePauses_.end() && active(it->second.until) &&
                                              (!until || it->second.until > *until))
        until = it->second.until;
    return until;
}

bool DeliveryGate::pauseForQuota(const std::string& sinkName, TimePoint until,
                                 const std::string& reply) {
    const std::string why = validUtf8(reply);
    auto& current = quotaPause(sinkName);
    if (active(current) && *current >= until) return false;
    // Kept with the state first: a pause that is not stored would be forgotten by a restart.
    store_.setMeta(quotaReasonKey(sinkName), why);
    store_.setMeta(quotaPauseKey(sinkName), std::to_string(toUnixMillis(until)));
    current = until;
    quotaReasons_[sinkName] = why;
    return true;
}

bool DeliveryGate::limitReached(const std::string& sinkName, const RateLimits& limits) {
    if (!limits.perMinute && !limits.perDay) return false;
    const TimePoint now = clock_.now();
    auto& w = windows_[sinkName];
    if (!w.seeded) {
        // Counted from the store once per engine, so limits hold across restarts.
        w.seeded = true;
        w.minuteStart = now;
        w.dayStart = now;
        w.minute = store_.countDelivered(sinkName, now - std::chrono::minutes(1));
        w.day = store_.countDelivered(sinkName, now - std::chrono::hours(24));
    }
    if (now - w.minuteStart >= std::chrono::minutes(1)) {
        w.minuteStart = now;
        w.minute = 0;
    }
    if (now - w.dayStart >= std::chrono::hours(24)) {
        w.day = store_.countDelivered(sinkName, now - std::chrono::hours(24));
        w.dayStart = now;
    }
    // Held in memory only: the limit is recomputed from the store after a restart.
    if (limits.perDay && w.day >= limits.perDay) {
        ratePauses_[sinkName] = {SinkPause::Cause::RateLimit, now + std::chrono::hours(1),
                                 cat("at most ", limits.perDay, " a day")};
        return true;
    }
    if (limits.perMinute && w.minute >= limits.perMinute) {
        ratePauses_[sinkName] = {SinkPause::Cause::RateLimit,
                                 w.minuteStart + std::chrono::minutes(1),
                                 cat("at most ", limits.perMinute, " a minute")};
        return true;
    }
    return false;
}

void DeliveryGate::countDelivery(const std::string& sinkName) {
    auto& w = windows_[sinkName];
    ++w.minute;
    ++w.day;
}

TimePoint DeliveryGate::hold(const GateKey& key) {
    auto& h = holds_[key];
    ++h.failures;
    h.until = clock_.now() + holdDelay_(h.failures);
    return h.until;
}

std::optional<TimePoint> DeliveryGate::heldUntil(const GateKey& key) const {
    auto it = holds_.find(key);
    if (it == holds_.end() || it->second.until <= clock_.now()) return std::nullopt;
    return it->second.until;
}

void DeliveryGate::release(const GateKey& key) { holds_.erase(key); }

bool DeliveryGate::startOutage(const GateKey& key, const std::string& text) {
    // Kept with the state's health record and shown as JSON: valid UTF-8 whatever a peer sent.
    const std::string reason = validUtf8(text);
    auto [it, added] = outages_.try_emplace(key, Outage{clock_.now(), reason});
    if (!added) it->second.reason = reason;  // the latest words, the first time
    return added;
}

bool DeliveryGate::endOutage(const GateKey& key) { return outages_.erase(key) > 0; }

const Outage* DeliveryGate::outage(const GateKey& key) const {
    auto it = outages_.find(key);
    return it == outages_.end() ? nullptr : &it->second;
}

std::optional<TimePoint> DeliveryGate::earliestEnd(const std::vector<Route>& routes) {
    std::optional<TimePoint> earliest;
    auto consider = [&](std::optional<TimePoint> t) {
        if (t && (!earliest || *t < *earliest)) earliest = t;
    };
    for (const auto& r : routes) {
        consider(pausedUntil(r.sinkName));
        consider(heldUntil(GateKey::sink(r.sinkName)));
        consider(heldUntil(GateKey::downloads(r.id)));
    }
    return earliest;
}

}  // namespace pixsync
