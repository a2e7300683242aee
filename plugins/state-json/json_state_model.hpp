#pragma once
/// @file json_state_model.hpp
/// The JSON store's state in memory, and the file it is kept in. The file is a superset of
/// the original service's: `by_user` is what the original reads, `pixsync` holds the rest.
/// Other top-level keys are carried through unchanged.

#include <rapidjson/document.h>

#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "pixsync/state_store.hpp"

namespace pixsync::jsonstate {

/// Version of the `pixsync` section this code writes (and the newest it reads).
inline constexpr int kFormatVersion = 1;
/// Pass log entries kept per route.
inline constexpr std::size_t kPassesKept = 100;

/// One delivery record (the key lives in the map).
struct Delivery {
    DeliveryStatus status = DeliveryStatus::Queued;
    std::string checksum;
    std::string sink;
    std::string detail;
    int attempts = 0;
    std::int64_t nextAttempt = 0;  ///< Unix ms; meaningful while Queued
    std::int64_t updated = 0;      ///< Unix ms
    std::uint64_t bytes = 0;
    std::uint64_t sequence = 0;  ///< insertion order, the tie-breaker of due()
    /// The asset as the source described it: kept while the record may still be sent or
    /// shown (Queued, Failed, Skipped) and dropped once Delivered, to keep 100k records small.
    std::unique_ptr<Asset> asset;
};

/// One known favorite of a route.
struct Favorite {
    Asset asset;
    bool present = true;  ///< still a favorite as of the last full listing
};

/// Everything the JSON file holds.
struct StateModel {
    std::map<DeliveryKey, Delivery> deliveries;
    std::map<std::string, std::map<std::string, Favorite>> favorites;
    std::map<std::string, RouteCursor> cursors;
    std::map<std::string, std::deque<PassRecord>> passes;
    std::map<std::string, std::string> meta;
    /// Routes named in `by_user`, written back even when their list is empty.
    std::set<std::string> byUserRoutes;
    /// Top-level keys neither pixsync nor the original service defined, kept verbatim.
    rapidjson::Document extra{rapidjson::kObjectType};
    std::uint64_t nextSequence = 1;
    /// Counts the rewrites of the file (`pixsync.generation`); the journal names the
    /// generation its lines apply to, so lines already folded into the file are not replayed.
    std::uint64_t generation = 0;
};

/// Reads a state file's text strictly. Throws Error(State) naming `file` for anything that
/// is not a state this code can use; never returns a partial state.
StateModel parseState(const std::filesystem::path& file, std::string text);

/// Writes the state to `file` atomically: a temporary file in the same folder is written,
/// synced and renamed over `file`, then the folder is synced. Returns the bytes written.
/// Throws Error(State) (the old file is then intact).
std::uint64_t saveState(const StateModel& model, const std::filesystem::path& file);

/// True when an asset id belongs in `by_user[route]`: the route holds records for it and
/// every one is settled, Delivered (or imported, destination "*") or Skipped (a "start from
/// now" baseline, or the same photo already sent to that frame through another route), with
/// none Queued or Failed. The original service, run again on this file, then resends nothing
/// pixsync sent or chose not to send, and still sends what pixsync owes.
bool belongsInSentList(std::map<DeliveryKey, Delivery>::const_iterator first,
                       std::map<DeliveryKey, Delivery>::const_iterator last);

}  // namespace pixsync::jsonstate
