#pragma once
/// @file delivery_index.hpp
/// Lookups the engine makes on every pass (due deliveries, a checksum at a destination,
/// deliveries per sink) kept as indexes beside the JSON store's records, so none of them
/// scans 100k records.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "json_state_model.hpp"

namespace pixsync::jsonstate {

/// Indexes over StateModel::deliveries. Holds pointers to the map's keys, which std::map
/// keeps stable; a record must be removed before it changes and added back after.
class DeliveryIndex {
  public:
    void add(const DeliveryKey& key, const Delivery& d);
    void remove(const DeliveryKey& key, const Delivery& d);

    /// Queued records by (next attempt, insertion order).
    const std::map<std::pair<std::int64_t, std::uint64_t>, const DeliveryKey*>& queue() const {
        return queue_;
    }
    /// A Queued or Delivered record with this destination and checksum.
    const DeliveryKey* findByChecksum(const std::string& destination, const std::string& checksum,
                                      const std::map<DeliveryKey, Delivery>& all) const;
    /// Delivered records of a sink updated at or after `since`.
    std::uint64_t countDelivered(const std::string& sink, std::int64_t since) const;

  private:
    static std::uint64_t checksumSlot(const std::string& destination, const std::string& checksum);

    std::map<std::pair<std::int64_t, std::uint64_t>, const DeliveryKey*> queue_;
    std::unordered_multimap<std::uint64_t, const DeliveryKey*> byChecksum_;
    std::unordered_map<std::string, std::multiset<std::int64_t>> deliveredBySink_;
};

}  // namespace pixsync::jsonstate
