#include "older_state_store.hpp"

namespace pixsync {

namespace {

// The stored object was built against an older definition of StateStore: its dynamic type
// is not one this build knows, which is the point of this class, so UBSan's check of the
// object's type (vptr) does not apply to the calls forwarded to it.
#define PIXSYNC_FORWARD_TO_OLDER __attribute__((no_sanitize("vptr")))

/// Forwards every call the plugin's ABI minor has and answers the later ones with their
/// defaults.
class OlderStateStore final : public StateStore {
  public:
    OlderStateStore(std::unique_ptr<StateStore> store, std::uint32_t abiMinor)
        : store_(std::move(store)), abiMinor_(abiMinor) {}
    PIXSYNC_FORWARD_TO_OLDER ~OlderStateStore() override { delete store_.release(); }

    PIXSYNC_FORWARD_TO_OLDER std::optional<RouteCursor> cursor(const std::string& route) override {
        return store_->cursor(route);
    }
    PIXSYNC_FORWARD_TO_OLDER std::optional<DeliveryStatus> status(const DeliveryKey& key) override {
        return store_->status(key);
    }
    PIXSYNC_FORWARD_TO_OLDER std::optional<DeliveryKey> findByChecksum(
        const std::string& destination, const std::string& checksum) override {
        return store_->findByChecksum(destination, checksum);
    }
    PIXSYNC_FORWARD_TO_OLDER void commit(const Plan& plan) override { store_->commit(plan); }
    PIXSYNC_FORWARD_TO_OLDER std::vector<QueuedDelivery> due(TimePoint now,
                                                             std::size_t limit) override {
        return store_->due(now, limit);
    }
    PIXSYNC_FORWARD_TO_OLDER std::optional<TimePoint> nextDue() override {
        return store_->nextDue();
    }
    PIXSYNC_FORWARD_TO_OLDER void record(const DeliveryRecord& record) override {
        store_->record(record);
    }
    PIXSYNC_FORWARD_TO_OLDER void requeue(const std::vector<QueuedDelivery>& deliveries) override {
        store_->requeue(deliveries);
    }
    PIXSYNC_FORWARD_TO_OLDER std::uint64_t countDelivered(const std::string& sink,
                                                          TimePoint since) override {
        return store_->countDelivered(sink, since);
    }
    PIXSYNC_FORWARD_TO_OLDER void recordPass(const PassRecord& pass) override {
        store_->recordPass(pass);
    }
    PIXSYNC_FORWARD_TO_OLDER std::vector<RouteSummary> summarize(
        const std::vector<std::string>& routes) override {
        return store_->summarize(routes);
    }
    PIXSYNC_FORWARD_TO_OLDER std::optional<std::string> meta(const std::string& key) override {
        return store_->meta(key);
    }
    PIXSYNC_FORWARD_TO_OLDER void setMeta(const std::string& key,
                                          const std::string& value) override {
        store_->setMeta(key, value);
    }
    PIXSYNC_FORWARD_TO_OLDER void flush() override { store_->flush(); }
    // ABI 2.3; before it, the default (an empty listing).
    PIXSYNC_FORWARD_TO_OLDER std::vector<RecentDelivery> recentDeliveries(
        std::size_t limit) override {
        return abiMinor_ >= 3 ? store_->recentDeliveries(limit) : std::vector<RecentDelivery>();
    }
    // dueForRoute(): the default, which sorts due().

  private:
    std::unique_ptr<StateStore> store_;
    std::uint32_t abiMinor_;
};

}  // namespace

std::unique_ptr<StateStore> adaptOlderStateStore(std::unique_ptr<StateStore> store,
                                                 std::uint32_t abiMinor) {
    if (abiMinor >= 7) return store;
    return std::make_unique<OlderStateStore>(std::move(store), abiMinor);
}

}  // namespace pixsync
