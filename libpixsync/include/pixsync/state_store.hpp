#pragma once
/// @file state_store.hpp
/// The interface every state store plugin implements: pixsync's durable memory of what each
/// route has seen, queued, delivered, skipped and failed, per destination.
///
/// Contract for implementations:
/// - A store that keeps its data in a file declares the Path option `path` and names any other
///   file it keeps `<path>` + a suffix starting with `-` or `.`; the details, and what pixsync
///   does for a store that keeps no file, are in state_location.hpp.
/// - Opening takes an exclusive writer lock (unless opened read-only; a store with a file uses
///   StateWriterLock); a second writer gets Error(Locked) naming the holder's pid. Opening never
///   modifies a state it cannot read: corrupt, truncated, wrong-typed, unreadable or newer-schema
///   state is Error(State) naming the file, the problem and how to recover, with the file left
///   byte-for-byte unchanged.
/// - Every mutating call is atomic. When a call returns, its effect survives a crash
///   (SIGKILL, power loss) unless the store documents a bounded group-commit window that
///   flush() closes.
/// - A record whose destination is kAllDestinations covers every destination of its route
///   (history imported from the original service, "start from now" baselines).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pixsync/asset.hpp"
#include "pixsync/clock.hpp"

namespace pixsync {

/// Destination value meaning "every destination of the route".
inline constexpr std::string_view kAllDestinations = "*";

/// Where one delivery stands.
enum class DeliveryStatus {
    Queued,     ///< in the outbox, waiting for its next attempt
    Delivered,  ///< done; never sent again unless resent explicitly
    Failed,     ///< failed for good; the reason is kept
    Skipped,    ///< deliberately not sent (duplicate of another route's delivery, baseline)
};

/// "queued", "delivered", "failed", "skipped".
const char* toString(DeliveryStatus status) noexcept;
/// Inverse of toString(); throws Error(State) for anything else.
DeliveryStatus deliveryStatusFromString(std::string_view s);

/// Identifies one delivery: one asset of one route to one destination.
struct DeliveryKey {
    std::string route;
    std::string assetId;
    std::string destination;
    friend bool operator==(const DeliveryKey&, const DeliveryKey&) = default;
    friend auto operator<=>(const DeliveryKey&, const DeliveryKey&) = default;
};

/// A delivery in the outbox.
struct QueuedDelivery {
    DeliveryKey key;
    Asset asset;              ///< everything needed to fetch the media again after a restart
    int attempts = 0;         ///< failed attempts so far (quota pauses do not count)
    TimePoint nextAttempt{};  ///< not before this time
    std::string lastError;    ///< reason of the last failed attempt
};

/// A delivery the engine decided not to make, with the reason.
struct SkippedDelivery {
    DeliveryKey key;
    std::string checksum;
    std::string reason;
};

/// A route's listing position.
struct RouteCursor {
    std::string value;            ///< the source's opaque cursor; empty = none yet
    TimePoint lastFullListing{};  ///< when the last full listing was committed
};

/// Everything one poll of one route decided, committed in a single transaction so that a
/// crash never leaves a cursor advanced past deliveries that were not queued.
struct Plan {
    std::string route;
    /// Assets seen by this listing; they become the route's known favorites.
    std::vector<Asset> listed;
    /// When true, `listed` is the complete current set: known favorites not in it are no
    /// longer favorites (kept for history, not counted as current).
    bool fullListing = false;
    std::vector<QueuedDelivery> queue;
    std::vector<SkippedDelivery> skipped;
    RouteCursor cursor;
};

/// The result of one attempt, recorded by the engine.
struct DeliveryRecord {
    DeliveryKey key;
    DeliveryStatus status = DeliveryStatus::Delivered;  ///< Queued means "will retry"
    std::string checksum;     ///< of the asset, for the cross-route duplicate check
    std::string sink;         ///< sink instance name, for rate-limit counting
    int attempts = 0;         ///< attempts so far, including this one
    TimePoint at{};           ///< when the attempt finished
    TimePoint nextAttempt{};  ///< for Queued
    std::string detail;       ///< failure or retry reason; empty for Delivered
    std::uint64_t bytes = 0;  ///< bytes sent, for Delivered
};

/// One pass over one route, for `pixsync status`.
struct PassRecord {
    std::string route;
    TimePoint started{};
    TimePoint finished{};
    bool fullListing = false;
    std::uint64_t listed = 0;
    std::uint64_t queued = 0;
    std::uint64_t delivered = 0;
    std::uint64_t failed = 0;
    std::string error;  ///< empty when the pass succeeded
};

/// A permanent failure, for `pixsync status`.
struct FailureRecord {
    DeliveryKey key;
    std::string fileName;
    std::string reason;
    TimePoint at{};
};

/// Counts for one route, for `pixsync status`.
struct RouteSummary {
    std::string route;
    std::uint64_t favorites =
        0;  ///< known assets still current (seen in the last full listing or since)
    std::uint64_t delivered = 0;  ///< delivery records, one per (asset, destination)
    std::uint64_t queued = 0;
    std::uint64_t failed = 0;
    std::uint64_t skipped = 0;
    std::optional<TimePoint> nextAttempt;       ///< earliest queued attempt
    std::vector<FailureRecord> recentFailures;  ///< newest first, at most 20
    std::optional<PassRecord> lastPass;
};

/// The latest outcome of one delivery, for the status page's "recent deliveries".
struct RecentDelivery {
    DeliveryKey key;
    DeliveryStatus status = DeliveryStatus::Delivered;  ///< Delivered or Failed
    std::string fileName;  ///< the photo's file name, as the source named it (may be empty)
    AssetKind kind = AssetKind::Other;
    std::string sink;  ///< sink instance name
    TimePoint at{};    ///< when the outcome was recorded
    std::string
        detail;  ///< the failure's reason; for Delivered, what the sink reported (if anything)
};

/// How a store is opened.
enum class OpenMode {
    ReadWrite,  ///< the daemon and one-shot commands: takes the writer lock
    ReadOnly,   ///< `status`: no lock, never writes, works while a writer is active
};

/// Durable state. See the file comment for the contract.
class StateStore {
  public:
    virtual ~StateStore() = default;

    /// The route's cursor, if it ever had one.
    virtual std::optional<RouteCursor> cursor(const std::string& route) = 0;

    /// Status of a delivery: the exact record, or else the route's kAllDestinations record.
    virtual std::optional<DeliveryStatus> status(const DeliveryKey& key) = 0;

    /// A Queued or Delivered record of this checksum to this destination, from any route
    /// (the same photo reached through two routes is sent once).
    virtual std::optional<DeliveryKey> findByChecksum(const std::string& destination,
                                                      const std::string& checksum) = 0;

    /// Commits a poll's plan atomically (see Plan).
    virtual void commit(const Plan& plan) = 0;

    /// Queued deliveries with nextAttempt <= now, earliest first, at most `limit`.
    virtual std::vector<QueuedDelivery> due(TimePoint now, std::size_t limit) = 0;

    /// The earliest nextAttempt of any queued delivery.
    virtual std::optional<TimePoint> nextDue() = 0;

    /// Records the result of an attempt (or a re-schedule, with status Queued).
    virtual void record(const DeliveryRecord& record) = 0;

    /// Puts deliveries (back) in the outbox whatever their status: explicit resend.
    /// Attempts restart at 0.
    virtual void requeue(const std::vector<QueuedDelivery>& deliveries) = 0;

    /// Number of deliveries recorded Delivered by this sink at or after `since`.
    virtual std::uint64_t countDelivered(const std::string& sink, TimePoint since) = 0;

    /// Appends to the pass log (the store may keep only the most recent entries per route).
    virtual void recordPass(const PassRecord& pass) = 0;

    /// Per-route counts. `routes` lists the configured routes (a route with no records yet
    /// still gets a zero summary).
    virtual std::vector<RouteSummary> summarize(const std::vector<std::string>& routes) = 0;

    /// Small durable settings: sink pauses, the record of an import, schema notes.
    virtual std::optional<std::string> meta(const std::string& key) = 0;
    virtual void setMeta(const std::string& key, const std::string& value) = 0;

    /// Writes anything batched. Called by the engine after each pass and before shutdown.
    virtual void flush() = 0;

    // --- ABI 2.3 ---
    /// The newest Delivered and Failed outcomes of every route, newest first (outcomes recorded in
    /// the same millisecond in any order), at most `limit`. Records imported from the original
    /// service (destination kAllDestinations) are not outcomes and are left out. Works read-only.
    /// A store that keeps no such history may return nothing (the default); the host never
    /// calls this on a store built before ABI 2.3.
    virtual std::vector<RecentDelivery> recentDeliveries(std::size_t limit);

    // --- ABI 2.7 ---
    /// The queued deliveries of one route with nextAttempt <= now, at most `limit`, in the
    /// order they go out: first those that never failed, the newest favorite first (the
    /// asset's updatedAt, which favoriting sets) or, with `oldestFirst`, the oldest first,
    /// ties in the order due() lists them; then those that failed before, the earliest next
    /// attempt first. The engine asks route by route and takes turns between them, so one
    /// route's backlog never waits in front of another route's new favorite. Like due(), a
    /// store that must send nothing now returns nothing. The default filters and sorts
    /// due(); the host never calls this on a store built before ABI 2.7.
    virtual std::vector<QueuedDelivery> dueForRoute(const std::string& route, TimePoint now,
                                                    std::size_t limit, bool oldestFirst);
};

/// True when `a` goes out before `b` in a route's queue (see StateStore::dueForRoute()); for
/// stores that sort in memory. Ties keep their order when used with a stable sort.
bool goesOutBefore(const QueuedDelivery& a, const QueuedDelivery& b, bool oldestFirst);

}  // namespace pixsync
