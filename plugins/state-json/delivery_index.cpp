#include "delivery_index.hpp"

#include <functional>

namespace pixsync::jsonstate {

namespace {

bool countsForChecksum(const Delivery& d) {
    return !d.checksum.empty() &&
           (d.status == DeliveryStatus::Queued || d.status == DeliveryStatus::Delivered);
}

}  // namespace

std::uint64_t DeliveryIndex::checksumSlot(const std::string& destination,
                                          const std::string& checksum) {
    // A hash, not the strings: the slot is verified against the record on lookup, and
    // 100k copies of both strings would double the store's memory.
    std::size_t h = std::hash<std::string>{}(destination);
    return h ^ (std::hash<std::string>{}(checksum) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

void DeliveryIndex::add(const DeliveryKey& key, const Delivery& d) {
    if (d.status == DeliveryStatus::Queued)
        queue_.emplace(std::pair(d.nextAttempt, d.sequence), &key);
    if (countsForChecksum(d)) byChecksum_.emplace(checksumSlot(key.destination, d.checksum), &key);
    if (d.status == DeliveryStatus::Delivered && !d.sink.empty())
        deliveredBySink_[d.sink].insert(d.updated);
}

void DeliveryIndex::remove(const DeliveryKey& key, const Delivery& d) {
    if (d.status == DeliveryStatus::Queued) queue_.erase(std::pair(d.nextAttempt, d.sequence));
    if (countsForChecksum(d)) {
        auto [first, last] = byChecksum_.equal_range(checksumSlot(key.destination, d.checksum));
        for (auto it = first; it != last; ++it) {
            if (it->second == &key) {
                byChecksum_.erase(it);
                break;
            }
        }
    }
    if (d.status == DeliveryStatus::Delivered && !d.sink.empty()) {
        auto sink = deliveredBySink_.find(d.sink);
        if (sink != deliveredBySink_.end()) {
            auto it = sink->second.find(d.updated);
            if (it != sink->second.end()) sink->second.erase(it);
        }
    }
}

const DeliveryKey* DeliveryIndex::findByChecksum(const std::string& destination,
                                                 const std::string& checksum,
                                                 const std::map<DeliveryKey, Delivery>& all) const {
    if (checksum.empty()) return nullptr;
    auto [first, last] = byChecksum_.equal_range(checksumSlot(destination, checksum));
    const DeliveryKey* found = nullptr;
    for (auto it = first; it != last; ++it) {
        const DeliveryKey& key = *it->second;
        if (key.destination != destination) continue;
        auto record = all.find(key);
        if (record == all.end() || record->second.checksum != checksum) continue;
        // The smallest key, so the answer does not depend on hash-table order.
        if (!found || key < *found) found = &key;
    }
    return found;
}

std::uint64_t DeliveryIndex::countDelivered(const std::string& sink, std::int64_t since) const {
    auto it = deliveredBySink_.find(sink);
    if (it == deliveredBySink_.end()) return 0;
    return static_cast<std::uint64_t>(
        std::distance(it->second.lower_bound(since), it->second.end()));
}

}  // namespace pixsync::jsonstate
