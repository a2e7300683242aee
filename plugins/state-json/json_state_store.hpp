#pragma once
/// @file json_state_store.hpp
/// The JSON state store: the original service's state file, extended.
///
/// Durability: each outcome (record(), requeue()) is appended to the journal beside the file
/// and synced before the call returns (see journal.hpp); the file itself is rewritten once
/// `batch_size` outcomes are pending, and the journal, replayed on opening, is then emptied.
/// commit() and recordPass() are written with the next rewrite; setMeta() and flush() write
/// at once. A crash therefore loses no acknowledged outcome (only the one being recorded:
/// the message in flight is sent again) and the plans since the last rewrite (re-planned
/// from the unchanged cursor). Every rewrite replaces the whole file atomically, so the file
/// is always one consistent state.

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

#include "delivery_index.hpp"
#include "journal.hpp"
#include "json_state_model.hpp"
#include "pixsync/log.hpp"
#include "pixsync/plugin.hpp"
#include "pixsync/state_location.hpp"

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
    std::vector<QueuedDelivery> dueForRoute(const std::string& route, TimePoint now,
                                            std::size_t limit, bool oldestFirst) override;
    std::optional<TimePoint> nextDue() override;
    void record(const DeliveryRecord& record) override;
    void requeue(const std::vector<QueuedDelivery>& deliveries) override;
    std::uint64_t countDelivered(const std::string& sink, TimePoint since) override;
    void recordPass(const PassRecord& pass) override;
    std::vector<RouteSummary> summarize(const std::vector<std::string>& routes) override;
    std::vector<RecentDelivery> recentDeliveries(std::size_t limit) override;
    std::optional<std::string> meta(const std::string& key) override;
    void setMeta(const std::string& key, const std::string& value) override;
    void flush() override;

    /// Bytes written by all rewrites so far (for the benchmark).
    std::uint64_t bytesWritten() const;

  private:
    /// The queued delivery `key` as due() lists it.
    QueuedDelivery queued(const DeliveryKey& key) const;
    void requireWritable(const char* operation) const;
    void removeLeftoverTemporaryFiles();
    /// Applies the journal's records to the model just read; returns how many it applied.
    std::size_t replayJournal();
    /// Applies `change` to the record of `key` (created when missing) keeping the indexes
    /// true; returns the record.
    template <class Change>
    std::map<DeliveryKey, Delivery>::iterator update(const DeliveryKey& key, Change&& change);
    /// Makes outcomes just applied durable: journaled, or written with a rewrite when
    /// `batch_size` of them are pending.
    using Records = std::vector<std::pair<const DeliveryKey*, const Delivery*>>;
    void outcomesAdded(const Records& records);
    void save();
    RouteSummary summarizeRoute(const std::string& route) const;

    JsonStoreSettings settings_;
    const Clock& clock_;
    Logger log_;
    OpenMode mode_;
    std::unique_ptr<StateWriterLock> lock_;
    Journal journal_;
    mutable std::mutex mutex_;
    StateModel model_;
    bool journalOfNewerFile_ = false;  ///< set by replayJournal() for a reader (see the opening)
    DeliveryIndex index_;
    std::size_t pendingOutcomes_ = 0;
    bool dirty_ = false;
    std::uint64_t bytesWritten_ = 0;
};

}  // namespace pixsync::jsonstate
