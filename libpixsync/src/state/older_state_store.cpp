#include "older_state_store.hpp"

namespace pixsync {

namespace {

/// Forwards every call of ABI 2.0–2.2 and answers the later ones with their defaults.
class OlderStateStore final : public StateStore {
public:
    explicit OlderStateStore(std::unique_ptr<StateStore> store) : store_(std::move(store)) {}

    std::optional<RouteCursor> cursor(const std::string& route) override {
        return store_->cursor(route);
    }
    std::optional<DeliveryStatus> status(const DeliveryKey& key) override {
        return store_->status(key);
    }
    std::optional<DeliveryKey> findByChecksum(const std::string& destination,
                                              const std::string& checksum) override {
        return store_->findByChecksum(destination, checksum);
    }
    void commit(const Plan& plan) override { store_->commit(plan); }
    std::vector<QueuedDelivery> due(TimePoint now, std::size_t limit) override {
        return store_->due(now, limit);
    }
    std::optional<TimePoint> nextDue() override { return store_->nextDue(); }
    void record(const DeliveryRecord& record) override { store_->record(record); }
    void requeue(const std::vector<QueuedDelivery>& deliveries) override {
        store_->requeue(deliveries);
    }
    std::uint64_t countDelivered(const std::string& sink, TimePoint since) override {
        return store_->countDelivered(sink, since);
    }
    void recordPass(const PassRecord& pass) override { store_->recordPass(pass); }
    std::vector<RouteSummary> summarize(const std::vector<std::string>& routes) override {
        return store_->summarize(routes);
    }
    std::optional<std::string> meta(const std::string& key) override { return store_->meta(key); }
    void setMeta(const std::string& key, const std::string& value) override {
        store_->setMeta(key, value);
    }
    void flush() override { store_->flush(); }
    // recentDeliveries(): the default, an empty listing.

private:
    std::unique_ptr<StateStore> store_;
};

}  // namespace

std::unique_ptr<StateStore> adaptOlderStateStore(std::unique_ptr<StateStore> store,
                                                 std::uint32_t abiMinor) {
    if (abiMinor >= 3) return store;
    return std::make_unique<OlderStateStore>(std::move(store));
}

}  // namespace pixsync
