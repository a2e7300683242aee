// The sync engine: delivering the outbox with retries, backoff, pauses and rate limits.
#include <algorithm>
#include <future>
#include <map>
#include <set>

#include "pixsync/engine.hpp"
#include "pixsync/error.hpp"
#include "pixsync/strings.hpp"
#include "plugin_call.hpp"

namespace pixsync {

namespace {

constexpr std::size_t kDueBatch = 64;
const std::string kPauseMetaPrefix = "sink_paused_until:";

/// Deliveries of one asset of one route that are due together: fetched once, sent to each frame.
struct AssetGroup {
    const QueuedDelivery* first = nullptr;
    std::vector<const QueuedDelivery*> items;
};

}  // namespace

std::optional<TimePoint> Engine::pausedUntil(const std::string& sinkName) {
    auto it = pauses_.find(sinkName);
    if (it == pauses_.end()) {
        std::optional<TimePoint> until;
        if (auto v = store_.meta(kPauseMetaPrefix + sinkName)) {
            try {
                until = fromUnixMillis(std::stoll(*v));
            } catch (const std::exception&) {
                // An unreadable pause record only means "not paused".
            }
        }
        it = pauses_.emplace(sinkName, until).first;
    }
    if (it->second && *it->second > clock_.now()) return it->second;
    return std::nullopt;
}

void Engine::pauseSink(const std::string& sinkName, TimePoint until, const std::string& why) {
    auto current = pausedUntil(sinkName);
    if (current && *current >= until) return;
    pauses_[sinkName] = until;
    pauseReasons_[sinkName] = why;
    store_.setMeta(kPauseMetaPrefix + sinkName, std::to_string(toUnixMillis(until)));
    auto minutes = std::chrono::duration_cast<std::chrono::minutes>(until - clock_.now()).count();
    log_.warning(cat("sink '", sinkName, "' paused for ", minutes, " min: ", why,
                     " (queued photos stay queued)"));
}

bool Engine::rateLimited(const Route& route, TimePoint now, TimePoint* until) {
    const RateLimits limits = limitsOf(route);
    if (!limits.perMinute && !limits.perDay) return false;
    auto& w = windows_[route.sinkName];
    if (!w.seeded) {
        // Counted from the store once per engine, so limits hold across restarts.
        w.seeded = true;
        w.minuteStart = now;
        w.dayStart = now;
        w.minute = store_.countDelivered(route.sinkName, now - std::chrono::minutes(1));
        w.day = store_.countDelivered(route.sinkName, now - std::chrono::hours(24));
    }
    if (now - w.minuteStart >= std::chrono::minutes(1)) {
        w.minuteStart = now;
        w.minute = 0;
    }
    if (now - w.dayStart >= std::chrono::hours(24)) {
        w.day = store_.countDelivered(route.sinkName, now - std::chrono::hours(24));
        w.dayStart = now;
    }
    if (limits.perDay && w.day >= limits.perDay) {
        *until = now + std::chrono::hours(1);
        rateLimited_[route.sinkName] = {*until, cat("at most ", limits.perDay, " a day")};
        return true;
    }
    if (limits.perMinute && w.minute >= limits.perMinute) {
        *until = w.minuteStart + std::chrono::minutes(1);
        rateLimited_[route.sinkName] = {*until, cat("at most ", limits.perMinute, " a minute")};
        return true;
    }
    return false;
}

void Engine::countDelivery(const std::string& sinkName) {
    auto& w = windows_[sinkName];
    ++w.minute;
    ++w.day;
}

void Engine::reschedule(const QueuedDelivery& q, const Route* route, const std::string& reason,
                        Duration hint, DeliverReport& report) {
    const TimePoint now = clock_.now();
    DeliveryRecord r{q.key, DeliveryStatus::Queued, q.asset.checksum,
                     route ? route->sinkName : std::string(), q.attempts + 1, now, now, reason, 0};
    if (r.attempts >= settings_.maxAttempts) {
        r.status = DeliveryStatus::Failed;
        r.detail = cat("gave up after ", r.attempts, " attempts: ", reason);
        log_.warning(cat(q.key.route, ": ", q.asset.fileName, " to ", q.key.destination, ": ", r.detail));
        ++report.failed;
    } else {
        r.nextAttempt = now + std::max(jittered(backoff(r.attempts)), hint);
        ++report.retrying;
    }
    store_.record(r);
}

void Engine::fail(const QueuedDelivery& q, const Route& route, const std::string& reason,
                  DeliverReport& report) {
    const TimePoint now = clock_.now();
    store_.record({q.key, DeliveryStatus::Failed, q.asset.checksum, route.sinkName, q.attempts + 1,
                   now, now, reason, 0});
    log_.warning(cat(q.key.route, ": ", q.asset.fileName, " (", q.asset.id, ") to ", q.key.destination,
                     " failed: ", reason));
    ++report.failed;
}

void Engine::apply(const QueuedDelivery& q, const Route& route, const Outcome& o,
                   DeliverReport& report) {
    const TimePoint now = clock_.now();
    switch (o.kind) {
        case Outcome::Kind::Delivered:
            store_.record({q.key, DeliveryStatus::Delivered, q.asset.checksum, route.sinkName,
                           q.attempts + 1, now, now, o.detail, o.bytes});
            countDelivery(route.sinkName);
            sinkSuccess_[route.sinkName] = now;
            log_.info(cat(q.key.route, ": delivered ", q.asset.fileName, " (", q.asset.id, ") to ",
                          q.key.destination, ", ", humanBytes(o.bytes)));
            ++report.delivered;
            report.bytes += o.bytes;
            break;
        case Outcome::Kind::RetryLater:
            log_.info(cat(q.key.route, ": ", q.asset.fileName, " to ", q.key.destination,
                          " will be retried: ", o.detail));
            reschedule(q, &route, o.detail, o.retryAfter, report);
            break;
        case Outcome::Kind::Failed:
            fail(q, route, o.detail, report);
            break;
        case Outcome::Kind::Paused: {
            // A quota is nobody's fault: the attempt is not counted.
            TimePoint until = now + std::max(o.retryAfter, Duration(std::chrono::minutes(1)));
            store_.record({q.key, DeliveryStatus::Queued, q.asset.checksum, route.sinkName,
                           q.attempts, now, until, o.detail, 0});
            pauseSink(route.sinkName, until, o.detail);
            ++report.paused;
            break;
        }
        case Outcome::Kind::Held:
            // The whole sink is refused (login, sender, policy): nothing wrong with this
            // photo. It stays due without using an attempt, so a reload or a restart sends it
            // at once; until then the sink is held back with a growing delay.
            store_.record({q.key, DeliveryStatus::Queued, q.asset.checksum, route.sinkName,
                           q.attempts, now, q.nextAttempt, o.detail, 0});
            holdSink(route, o.detail, report);
            ++report.held;
            break;
    }
}

void Engine::holdSink(const Route& route, const std::string& why, DeliverReport& report) {
    const GateKey key = GateKey::sink(route.sinkName);
    report.sinkUnavailable = true;
    if (startOutage(key, why))
        log_.warning(cat("sink '", route.sinkName, "' unavailable: ", why,
                         " (queued photos stay queued and go out once it works again)"));
    // Several destinations of one message refused together are one failure, not several.
    if (!heldUntil(key)) hold(key);
}

Engine::Fetched Engine::fetchMedia(const Route& route, const Asset& asset) {
    Fetched f;
    try {
        f.media = guardPluginCall(cat("route '", route.id, "': the source's fetch()"),
                                  [&] { return route.source->fetch(asset); });
    } catch (const Error& e) {
        f.error = e;
    }
    return f;
}

void Engine::deliverGroup(const Route& route, const std::vector<const QueuedDelivery*>& items,
                          Fetched fetched, const std::function<void()>& quiesceSource,
                          DeliverReport& report) {
    const Asset& asset = items.front()->asset;
    std::vector<Destination> dests;
    for (const auto* q : items) {
        auto it = std::find_if(route.destinations.begin(), route.destinations.end(),
                               [&](const Destination& d) { return d.address == q->key.destination; });
        dests.push_back(it != route.destinations.end() ? *it : Destination{q->key.destination, {}});
    }
    // An unreachable source or sink is nobody's fault with these photos: they wait without
    // using up attempts, and the whole source or sink is held back with a growing delay
    // (in memory only) so that it is not hammered.
    // Outcomes the sink reports while it works are recorded at once (see notifyOutcome());
    // whatever happens afterwards leaves those records alone.
    std::vector<bool> recorded(items.size(), false);
    // Held deliveries stay due (the hold is in memory), so that a reload or a restart, which
    // is how the owner applies a fix, sends them at once.
    auto holdAll = [&](const GateKey& key, const std::string& why) {
        if (!heldUntil(key)) hold(key);
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (recorded[i]) continue;
            const auto* q = items[i];
            store_.record({q->key, DeliveryStatus::Queued, q->asset.checksum, route.sinkName, q->attempts,
                           clock_.now(), q->nextAttempt, why, 0});
            ++report.held;
        }
    };
    auto retryAll = [&](const std::string& why) {
        for (std::size_t i = 0; i < items.size(); ++i)
            if (!recorded[i]) reschedule(*items[i], &route, why, Duration{0}, report);
    };
    auto failAll = [&](const std::string& why) {
        for (std::size_t i = 0; i < items.size(); ++i)
            if (!recorded[i]) fail(*items[i], route, why, report);
    };

    const GateKey fetchKey = GateKey::downloads(route.id);
    if (fetched.error) {
        const Error& e = *fetched.error;
        if (e.kind() == ErrorKind::Media) return failAll(e.what());
        report.sourceUnavailable = true;
        if (startOutage(fetchKey, e.what()))
            log_.warning(cat(route.id, ": cannot download ", asset.fileName, ": ", e.what(),
                             " (queued photos stay queued and go out once downloads work)"));
        return holdAll(fetchKey, e.what());
    }
    if (endOutage(fetchKey)) log_.info(cat(route.id, ": downloads work again"));
    holds_.erase(fetchKey);
    MediaFile& media = *fetched.media;

    std::vector<Outcome> outcomes;
    route.sink->setOutcomeListener([&](std::size_t i, const Outcome& o) {
        if (i < items.size() && !recorded[i]) {
            recorded[i] = true;
            apply(*items[i], route, o, report);
        }
    });
    struct ClearListener {
        Sink* sink;
        ~ClearListener() { sink->setOutcomeListener({}); }
    } clearListener{route.sink};
    const GateKey sinkKey = GateKey::sink(route.sinkName);
    auto send = [&](const MediaFile& m) {
        outcomes = guardPluginCall(cat("sink '", route.sinkName, "' deliver()"), [&] {
            return route.sink->deliver(DeliveryRequest{asset, m, route.id, route.label}, dests);
        });
    };
    try {
        try {
            send(media);
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::Media) throw;
            // The original cannot be decoded; a source-rendered preview may still show the photo.
            std::optional<MediaFile> preview;
            try {
                quiesceSource();  // a prefetch may be using this source
                preview = guardPluginCall(
                    cat("route '", route.id, "': the source's fetchPreview()"),
                    [&] { return route.source->fetchPreview(asset); });
            } catch (const Error& previewError) {
                log_.debug(cat(route.id, ": no preview of ", asset.fileName, ": ", previewError.what()));
            }
            if (!preview) return failAll(e.what());
            log_.info(cat(route.id, ": ", asset.fileName, ": original unusable (", e.what(), "), sending the preview"));
            send(*preview);
        }
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Media) return failAll(e.what());
        holdSink(route, e.what(), report);
        return holdAll(sinkKey, e.what());
    }
    if (outcomes.size() != items.size()) {
        return retryAll(cat("sink '", route.sinkName, "' returned ", outcomes.size(),
                            " outcomes for ", items.size(), " destinations (a plugin bug)"));
    }
    for (std::size_t i = 0; i < items.size(); ++i)
        if (!recorded[i]) apply(*items[i], route, outcomes[i], report);
    // The sink answered about these photos; unless it refused the whole account (a Held
    // outcome just set a hold), it works again.
    if (!heldUntil(sinkKey)) {
        if (endOutage(sinkKey)) log_.info(cat("sink '", route.sinkName, "' reachable again"));
        holds_.erase(sinkKey);
    }
}

DeliverReport Engine::deliverDue(std::uint64_t limit, const std::atomic<bool>* stop,
                                 const ProgressFn& progress) {
    DeliverReport report;
    std::set<DeliveryKey> attempted;  // this call never tries a delivery twice
    std::set<std::string> unknownRoutes;
    std::uint64_t done = 0;
    bool progressed = true;
    while (progressed && done < limit && !(stop && stop->load())) {
        progressed = false;
        const TimePoint now = clock_.now();
        std::vector<QueuedDelivery> batch = store_.due(now, kDueBatch + attempted.size());
        // Group by (route, asset), keeping the outbox order.
        std::vector<std::pair<std::string, std::string>> order;
        std::map<std::pair<std::string, std::string>, std::vector<const QueuedDelivery*>> groups;
        for (const auto& q : batch) {
            if (attempted.count(q.key)) continue;
            auto id = std::make_pair(q.key.route, q.key.assetId);
            if (!groups.count(id)) order.push_back(id);
            groups[id].push_back(&q);
        }
        // The next group's download runs while the current one is transformed and sent.
        // A source instance is still used by one thread at a time: the prefetch is always
        // collected before that source is called again.
        std::optional<std::pair<std::size_t, std::future<Fetched>>> prefetch;
        auto startPrefetch = [&](std::size_t from) {
            for (std::size_t j = from; j < order.size(); ++j) {
                const Route* r = findRoute(order[j].first);
                if (!r || blocked(*r)) continue;
                const Asset* asset = &groups[order[j]].front()->asset;
                prefetch.emplace(j, std::async(std::launch::async, [r, asset] { return fetchMedia(*r, *asset); }));
                return;
            }
        };
        auto takeFetched = [&](std::size_t i, const Route& r, const Asset& asset) {
            if (prefetch && prefetch->first == i) {
                Fetched f = prefetch->second.get();
                prefetch.reset();
                return f;
            }
            if (prefetch) prefetch->second.wait();  // never two calls into one source at once
            return fetchMedia(r, asset);
        };
        for (std::size_t i = 0; i < order.size(); ++i) {
            const auto& id = order[i];
            if (done >= limit || (stop && stop->load())) break;
            auto& items = groups[id];
            for (const auto* q : items) attempted.insert(q->key);
            progressed = true;
            const Route* route = findRoute(id.first);
            if (!route) {
                if (unknownRoutes.insert(id.first).second)
                    log_.warning(cat("queued deliveries for route '", id.first,
                                     "', which is no longer configured, stay queued"));
                continue;
            }
            TimePoint until{};
            if (heldUntil(GateKey::sink(route->sinkName)) || heldUntil(GateKey::downloads(route->id))) {
                report.waiting += items.size();  // waiting for the outage to end
                continue;
            }
            if (!pausedUntil(route->sinkName) && rateLimited(*route, clock_.now(), &until)) {
                // Held in memory only: the limit is recomputed from the store after a restart.
                pauses_[route->sinkName] = until;
                log_.info(cat("sink '", route->sinkName, "' reached its rate limit; continuing at ",
                              std::chrono::duration_cast<std::chrono::seconds>(until - clock_.now()).count(),
                              " s from now"));
            }
            if (pausedUntil(route->sinkName)) {
                report.waiting += items.size();
                continue;
            }
            Fetched fetched = takeFetched(i, *route, items.front()->asset);
            if (done + items.size() < limit) startPrefetch(i + 1);
            deliverGroup(*route, items, std::move(fetched),
                         [&] { if (prefetch) prefetch->second.wait(); }, report);
            done += items.size();
            if (progress) progress(done, 0);
        }
    }
    publishHealth();
    store_.flush();
    return report;
}

TimePoint Engine::hold(const GateKey& key) {
    auto& h = holds_[key];
    ++h.failures;
    Duration delay = std::min(backoff(h.failures), Duration(std::chrono::minutes(30)));
    h.until = clock_.now() + jittered(delay);
    return h.until;
}

std::optional<TimePoint> Engine::heldUntil(const GateKey& key) const {
    auto it = holds_.find(key);
    if (it == holds_.end() || it->second.until <= clock_.now()) return std::nullopt;
    return it->second.until;
}

bool Engine::blocked(const Route& route) {
    return pausedUntil(route.sinkName) || heldUntil(GateKey::sink(route.sinkName)) ||
           heldUntil(GateKey::downloads(route.id));
}

std::optional<TimePoint> Engine::nextDue() {
    auto next = store_.nextDue();
    if (!next || *next > clock_.now()) return next;
    // Deliveries still due right after deliverDue() are waiting for a pause or an outage to
    // end: nothing can happen before the earliest of those ends.
    std::optional<TimePoint> earliest;
    auto consider = [&](std::optional<TimePoint> t) {
        if (t && (!earliest || *t < *earliest)) earliest = t;
    };
    for (const auto& r : routes_) {
        consider(pausedUntil(r.sinkName));
        consider(heldUntil(GateKey::sink(r.sinkName)));
        consider(heldUntil(GateKey::downloads(r.id)));
    }
    return earliest ? earliest : next;
}

}  // namespace pixsync
