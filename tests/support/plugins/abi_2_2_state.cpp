// Test state store "test-state-abi-2-2": built the way a store was before ABI 2.3, whose
// StateStore vtable ends at flush() (no recentDeliveries). The host must wrap it so that it
// never calls the slot this binary does not have. Keeps meta settings in memory.
#include <map>

#include "pixsync/plugin.hpp"

namespace {

using namespace pixsync;

/// StateStore of ABI 2.0–2.2, virtual for virtual: what such a plugin's vtable holds.
class StateStoreAbi22 {
  public:
    virtual ~StateStoreAbi22() = default;
    virtual std::optional<RouteCursor> cursor(const std::string& route) = 0;
    virtual std::optional<DeliveryStatus> status(const DeliveryKey& key) = 0;
    virtual std::optional<DeliveryKey> findByChecksum(const std::string& destination,
                                                      const std::string& checksum) = 0;
    virtual void commit(const Plan& plan) = 0;
    virtual std::vector<QueuedDelivery> due(TimePoint now, std::size_t limit) = 0;
    virtual std::optional<TimePoint> nextDue() = 0;
    virtual void record(const DeliveryRecord& record) = 0;
    virtual void requeue(const std::vector<QueuedDelivery>& deliveries) = 0;
    virtual std::uint64_t countDelivered(const std::string& sink, TimePoint since) = 0;
    virtual void recordPass(const PassRecord& pass) = 0;
    virtual std::vector<RouteSummary> summarize(const std::vector<std::string>& routes) = 0;
    virtual std::optional<std::string> meta(const std::string& key) = 0;
    virtual void setMeta(const std::string& key, const std::string& value) = 0;
    virtual void flush() = 0;
};

class OldStore final : public StateStoreAbi22 {
  public:
    std::optional<RouteCursor> cursor(const std::string&) override { return std::nullopt; }
    std::optional<DeliveryStatus> status(const DeliveryKey&) override { return std::nullopt; }
    std::optional<DeliveryKey> findByChecksum(const std::string&, const std::string&) override {
        return std::nullopt;
    }
    void commit(const Plan&) override {}
    std::vector<QueuedDelivery> due(TimePoint, std::size_t) override { return {}; }
    std::optional<TimePoint> nextDue() override { return std::nullopt; }
    void record(const DeliveryRecord&) override {}
    void requeue(const std::vector<QueuedDelivery>&) override {}
    std::uint64_t countDelivered(const std::string&, TimePoint) override { return 0; }
    void recordPass(const PassRecord&) override {}
    std::vector<RouteSummary> summarize(const std::vector<std::string>& routes) override {
        std::vector<RouteSummary> out(routes.size());
        for (std::size_t i = 0; i < routes.size(); ++i) out[i].route = routes[i];
        return out;
    }
    std::optional<std::string> meta(const std::string& key) override {
        auto it = meta_.find(key);
        return it == meta_.end() ? std::nullopt : std::optional(it->second);
    }
    void setMeta(const std::string& key, const std::string& value) override { meta_[key] = value; }
    void flush() override {}

  private:
    std::map<std::string, std::string> meta_;
};

std::unique_ptr<StateStore> make(const Options&, const PluginContext&, OpenMode) {
    // The old binary's object, seen through the new interface: its vtable is the shorter one.
    StateStoreAbi22* old = new OldStore;
    return std::unique_ptr<StateStore>(reinterpret_cast<StateStore*>(old));
}

}  // namespace

extern "C" __attribute__((visibility("default"))) const PluginDescriptor*
pixsync_plugin_descriptor() {
    static const PluginDescriptor d{2,
                                    2,
                                    PluginKind::State,
                                    "test-state-abi-2-2",
                                    "0.0.1",
                                    "a state store built before recent deliveries",
                                    nullptr,
                                    nullptr,
                                    make,
                                    {},
                                    PIXSYNC_CXX_RUNTIME};
    return &d;
}
