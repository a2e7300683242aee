#pragma once
/// @file sqlite_state_store.hpp
/// The SQLite state store, pixsync's default.
///
/// Durability: WAL journal with synchronous=FULL, one transaction per mutating call, so a
/// call that returned survives a crash or power loss; there is no group-commit window and
/// flush() has nothing to do. Readers (`pixsync status`) open the file read-only and see the
/// last committed state while the writer keeps working.

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

#include "pixsync/log.hpp"
#include "pixsync/plugin.hpp"
#include "pixsync/state_location.hpp"
#include "sqlite_handles.hpp"
#include "state-common/original_state.hpp"

namespace pixsync::sqlitestate {

/// Settings of the store (the plugin's options).
struct SqliteStoreSettings {
    std::filesystem::path path;            ///< the database file
    std::filesystem::path importOriginal;  ///< the original service's state file; empty = none
    int busyTimeoutMs = 5000;              ///< how long to wait for a reader's lock
};

/// StateStore kept in a SQLite database. Thread-safe.
class SqliteStateStore final : public StateStore {
  public:
    /// Opens (creating and migrating when needed) the database. See StateStore's contract.
    SqliteStateStore(SqliteStoreSettings settings, const PluginContext& context, OpenMode mode);
    ~SqliteStateStore() override;

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

  private:
    struct Statements;
    void openForWriting();
    void openForReading();
    void createDatabase();
    void importOriginal(const state::SentByRoute& sent);
    /// Imports ids the original service added to its file since it was last read (see
    /// follow_original.cpp). When the file cannot be read, originalProblem_ says why.
    void followOriginal();
    /// Size, modification time and inode of the original's file; empty when it is missing.
    std::string originalStamp() const;
    void rememberOriginalStamp(const std::string& stamp);
    void requireWritable(const char* operation) const;
    void putQueued(const QueuedDelivery& q, int attempts, const std::string& detail,
                   std::int64_t now);
    RouteSummary summarizeRoute(const std::string& route);

    SqliteStoreSettings settings_;
    const Clock& clock_;
    Logger log_;
    OpenMode mode_;
    std::unique_ptr<StateWriterLock> lock_;
    std::mutex mutex_;
    std::string originalStamp_;    ///< of the original's file as last imported
    std::string originalProblem_;  ///< why it could not be read last time; empty when it could
    std::unique_ptr<Database> db_;
    std::unique_ptr<Statements>
        sql_;  // after db_: statements finalize before the connection closes
};

}  // namespace pixsync::sqlitestate
