#pragma once
// An in-memory StateStore with the semantics the real stores promise; the engine tests run
// against it (directly or behind a GoogleMock that delegates to it).

#include <map>

#include "pixsync/state_store.hpp"

namespace pixsync::test {

class MemoryStateStore : public StateStore {
  public:
    struct Record {
        DeliveryStatus status = DeliveryStatus::Queued;
        Asset asset;
        std::string checksum, sink, detail;
        int attempts = 0;
        TimePoint nextAttempt{}, updated{};
        std::uint64_t bytes = 0;
        std::uint64_t order = 0;
    };

    std::optional<RouteCursor> cursor(const std::string& route) override;
    std::optional<DeliveryStatus> status(const DeliveryKey& key) override;
    std::optional<DeliveryKey> findByChecksum(const std::string& destination,
                                              const std::string& checksum) override;
    void commit(const Plan& plan) override;
    std::vector<QueuedDelivery> due(TimePoint now, std::size_t limit) override;
    std::optional<TimePoint> nextDue() override;
    void record(const DeliveryRecord& record) override;
    void requeue(const std::vector<QueuedDelivery>& deliveries) override;
    std::uint64_t countDelivered(const std::string& sink, TimePoint since) override;
    void recordPass(const PassRecord& pass) override;
    std::vector<RouteSummary> summarize(const std::vector<std::string>& routes) override;
    std::vector<RecentDelivery> recentDeliveries(std::size_t limit) override;
    std::optional<std::string> meta(const std::string& key) override;
    void setMeta(const std::string& key, const std::string& value) override;
    void flush() override {}

    std::map<DeliveryKey, Record> records;
    std::map<std::string, RouteCursor> cursors;
    std::map<std::string, std::map<std::string, bool>> favorites;  // route -> asset id -> present
    std::vector<PassRecord> passes;
    std::map<std::string, std::string> metas;

  private:
    std::uint64_t counter_ = 0;
};

}  // namespace pixsync::test
