#include "memory_state_store.hpp"

#include <algorithm>

namespace pixsync::test {

std::optional<RouteCursor> MemoryStateStore::cursor(const std::string& route) {
    auto it = cursors.find(route);
    if (it == cursors.end()) return std::nullopt;
    return it->second;
}

std::optional<DeliveryStatus> MemoryStateStore::status(const DeliveryKey& key) {
    if (auto it = records.find(key); it != records.end()) return it->second.status;
    DeliveryKey all{key.route, key.assetId, std::string(kAllDestinations)};
    if (auto it = records.find(all); it != records.end()) return it->second.status;
    return std::nullopt;
}

std::optional<DeliveryKey> MemoryStateStore::findByChecksum(const std::string& destination,
                                                            const std::string& checksum) {
    if (checksum.empty()) return std::nullopt;
    for (const auto& [k, r] : records)
        if (k.destination == destination && r.checksum == checksum &&
            (r.status == DeliveryStatus::Queued || r.status == DeliveryStatus::Delivered))
            return k;
    return std::nullopt;
}

void MemoryStateStore::commit(const Plan& plan) {
    auto& fav = favorites[plan.route];
    if (plan.fullListing)
        for (auto& [id, present] : fav) present = false;
    for (const auto& a : plan.listed) fav[a.id] = true;
    for (const auto& q : plan.queue) {
        Record r;
        r.status = DeliveryStatus::Queued;
        r.asset = q.asset;
        r.checksum = q.asset.checksum;
        r.attempts = q.attempts;
        r.nextAttempt = q.nextAttempt;
        r.order = ++counter_;
        records[q.key] = r;
    }
    for (const auto& s : plan.skipped) {
        Record r;
        r.status = DeliveryStatus::Skipped;
        r.checksum = s.checksum;
        r.detail = s.reason;
        r.order = ++counter_;
        records[s.key] = r;
    }
    cursors[plan.route] = plan.cursor;
}

std::vector<QueuedDelivery> MemoryStateStore::due(TimePoint now, std::size_t limit) {
    std::vector<std::pair<const DeliveryKey*, const Record*>> hits;
    for (const auto& [k, r] : records)
        if (r.status == DeliveryStatus::Queued && r.nextAttempt <= now) hits.push_back({&k, &r});
    std::sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) {
        if (a.second->nextAttempt != b.second->nextAttempt)
            return a.second->nextAttempt < b.second->nextAttempt;
        return a.second->order < b.second->order;
    });
    std::vector<QueuedDelivery> out;
    for (const auto& [k, r] : hits) {
        if (out.size() >= limit) break;
        out.push_back({*k, r->asset, r->attempts, r->nextAttempt, r->detail});
    }
    return out;
}

std::optional<TimePoint> MemoryStateStore::nextDue() {
    std::optional<TimePoint> next;
    for (const auto& [k, r] : records)
        if (r.status == DeliveryStatus::Queued && (!next || r.nextAttempt < *next))
            next = r.nextAttempt;
    return next;
}

void MemoryStateStore::record(const DeliveryRecord& rec) {
    auto& r = records[rec.key];
    if (!r.order) r.order = ++counter_;
    r.status = rec.status;
    r.checksum = rec.checksum.empty() ? r.checksum : rec.checksum;
    r.sink = rec.sink;
    r.attempts = rec.attempts;
    r.nextAttempt = rec.nextAttempt;
    r.detail = rec.detail;
    r.bytes = rec.bytes;
    r.updated = rec.at;
}

void MemoryStateStore::requeue(const std::vector<QueuedDelivery>& deliveries) {
    for (const auto& q : deliveries) {
        auto& r = records[q.key];
        r.status = DeliveryStatus::Queued;
        r.asset = q.asset;
        r.checksum = q.asset.checksum;
        r.attempts = 0;
        r.nextAttempt = q.nextAttempt;
        r.detail.clear();
        r.order = ++counter_;
    }
}

std::uint64_t MemoryStateStore::countDelivered(const std::string& sink, TimePoint since) {
    std::uint64_t n = 0;
    for (const auto& [k, r] : records)
        if (r.status == DeliveryStatus::Delivered && r.sink == sink && r.updated >= since) ++n;
    return n;
}

void MemoryStateStore::recordPass(const PassRecord& pass) { passes.push_back(pass); }

std::vector<RecentDelivery> MemoryStateStore::recentDeliveries(std::size_t limit) {
    std::vector<RecentDelivery> out;
    for (const auto& [k, r] : records)
        if ((r.status == DeliveryStatus::Delivered || r.status == DeliveryStatus::Failed) &&
            k.destination != kAllDestinations)
            out.push_back(
                {k, r.status, r.asset.fileName, r.asset.kind, r.sink, r.updated, r.detail});
    std::stable_sort(out.begin(), out.end(),
                     [](const RecentDelivery& a, const RecentDelivery& b) { return a.at > b.at; });
    if (out.size() > limit) out.resize(limit);
    return out;
}

std::vector<RouteSummary> MemoryStateStore::summarize(const std::vector<std::string>& routes) {
    std::vector<RouteSummary> out;
    for (const auto& route : routes) {
        RouteSummary s;
        s.route = route;
        for (const auto& [id, present] : favorites[route]) s.favorites += present ? 1 : 0;
        for (const auto& [k, r] : records) {
            if (k.route != route) continue;
            switch (r.status) {
                case DeliveryStatus::Delivered:
                    ++s.delivered;
                    break;
                case DeliveryStatus::Queued:
                    ++s.queued;
                    if (!s.nextAttempt || r.nextAttempt < *s.nextAttempt)
                        s.nextAttempt = r.nextAttempt;
                    break;
                case DeliveryStatus::Failed:
                    ++s.failed;
                    s.recentFailures.push_back({k, r.asset.fileName, r.detail, r.updated});
                    break;
                case DeliveryStatus::Skipped:
                    ++s.skipped;
                    break;
            }
        }
        // As the contract says: newest first, at most 20.
        std::stable_sort(
            s.recentFailures.begin(), s.recentFailures.end(),
            [](const FailureRecord& x, const FailureRecord& y) { return x.at > y.at; });
        if (s.recentFailures.size() > 20) s.recentFailures.resize(20);
        for (auto it = passes.rbegin(); it != passes.rend(); ++it)
            if (it->route == route) {
                s.lastPass = *it;
                break;
            }
        out.push_back(s);
    }
    return out;
}

std::optional<std::string> MemoryStateStore::meta(const std::string& key) {
    auto it = metas.find(key);
    if (it == metas.end()) return std::nullopt;
    return it->second;
}

void MemoryStateStore::setMeta(const std::string& key, const std::string& value) {
    metas[key] = value;
}

}  // namespace pixsync::test
