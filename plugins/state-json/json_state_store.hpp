#pragma once
/// @file json_state_store.hpp
/// The JSON state store: the original service's state file, extended.
///
/// Durability: outcomes (record(), requeue()) are buffered and the file is rewritten once
/// `batch_size` of them are pending; commit() and recordPass() are written with the next
/// rewrite; setMeta() and flush() write at once. A crash therefore loses at most the
/// outcomes since the last rewrite (fewer than batch_size deliveries, which are sent again:
/// at-least-once) and the plans since then (re-planned from the unchanged cursor). Every
/// rewrite replaces the whole file atomically, so the file is always one consistent state.

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

#include "common/writer_lock.hpp"
#include "delivery_index.hpp"
#include "json_state_model.hpp"
#include "pixsync/log.hpp"
#include "pixsync/plugin.hpp"

namespace pixsync::jsonstate {

/// Settings of the store (the plugin's options).
struct JsonStoreSettings {
    std::filesystem::path path;   ///< the state file
    std::size_t batchSize = 200;  ///< outcomes buffered before a rewrite
};

/// StateStore kept in one JSON file. Thread-safe.
class JsonStateStore final : public StateStore {
  public:
    /// Opens (or, when the file does not exist, starts) the state. See StateStore's contract.
    JsonStateStore(JsonStoreSettings settings, const PluginContext& context, OpenMode mode);
    /// Writes anything pending; a failure is logged (a destructor cannot report it).
    ~JsonStateStore() override;

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

    /// Bytes written by all rewrites so far (for the benchmark).
    std::uint64_t bytesWritten() const;

  private:
    void requireWritable(const char* operation) const;
    void removeLeftoverTemporaryFiles();
    /// Applies `change` to the record of `key` (created when missing) keeping the indexes true.
    template <class Change>
    void update(const DeliveryKey& key, Change&& change);
    void outcomesAdded(std::size_t n);
    void save();
    RouteSummary summarizeRoute(const std::string& route) const;

    JsonStoreSettings settings_;
    const Clock& clock_;
    Logger log_;
    OpenMode mode_;
    std::unique_ptr<state::WriterLock> lock_;
    mutable std::mutex mutex_;
    StateModel model_;
    DeliveryIndex index_;
    std::size_t pendingOutcomes_ = 0;
    bool dirty_ = false;
    std::uint64_t bytesWritten_ = 0;
};

}  // namespace pixsync::jsonstate
