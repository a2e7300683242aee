#pragma once
// A StateStore that forwards every call to a real store, except that at chosen write numbers
// the process "dies": the write is not forwarded, SimulatedCrash is thrown, and from then on
// every call throws it too (a dead process writes nothing more).

#include <cstdint>
#include <memory>
#include <vector>

#include "observations.hpp"
#include "pixsync/state_store.hpp"

namespace pixsync::test {

class CrashingStore final : public StateStore {
  public:
    /// `writes` counts the writes of every store of the run (it outlives a crash); the store
    /// dies when it reaches the next number in `crashAt`.
    CrashingStore(std::unique_ptr<StateStore> real, const std::vector<std::uint64_t>& crashAt,
                  std::uint64_t& writes, Observations& observations);

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
    std::optional<std::string> meta(const std::string& key) override;
    void setMeta(const std::string& key, const std::string& value) override;
    void flush() override;
    std::vector<RecentDelivery> recentDeliveries(std::size_t limit) override;
    std::vector<QueuedDelivery> dueForRoute(const std::string& route, TimePoint now,
                                            std::size_t limit, bool oldestFirst) override;

    /// The real store, for the invariants' own reads (never counted, never crashing).
    StateStore& real() { return *real_; }

  private:
    void alive() const;
    void beforeWrite(const char* call);

    std::unique_ptr<StateStore> real_;
    const std::vector<std::uint64_t>& crashAt_;
    std::uint64_t& writes_;
    Observations& observations_;
};

}  // namespace pixsync::test
