#pragma once
// `.pixsync-index.json` in each destination folder: which file holds which asset, and which
// routes delivered it. It lets the sink replace an asset's file when its name changes and
// remove the files of assets a route no longer lists (`remove_unfavorited`) without guessing
// from file names, and without touching what another route delivered into the same folder.

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "pixsync/log.hpp"

namespace pixsync::folder {

/// The index file's name inside a destination folder.
inline constexpr const char* kIndexFileName = ".pixsync-index.json";

/// What the index knows of one asset's file.
struct IndexEntry {
    std::string file;
    /// The routes that delivered it. Empty for an entry written by a version of pixsync that
    /// did not record routes: nobody knows whose file it is, so removal leaves it alone.
    std::set<std::string> routes;
};

/// Asset id -> file (and routes) for one destination folder. Written atomically; changes are
/// batched (see FolderSink) because rewriting it after every photo of a large first sync
/// would cost quadratic time. Losing the last batch in a crash only loses bookkeeping: file
/// names are deterministic, so a redelivery overwrites the same file.
class FolderIndex {
  public:
    /// Reads the index of `folder`. A missing index is empty; an unreadable one is logged
    /// and treated as empty (it is rebuilt as photos are delivered).
    FolderIndex(std::filesystem::path folder, const Logger& log);

    /// The file holding an asset, if known.
    std::optional<std::string> fileFor(const std::string& assetId) const;
    /// Records (or changes) the file of an asset, delivered for `route`.
    void set(const std::string& assetId, const std::string& fileName, const std::string& route);
    /// Adds or removes one route of a known asset.
    void addRoute(const std::string& assetId, const std::string& route);
    void removeRoute(const std::string& assetId, const std::string& route);
    /// Forgets an asset.
    void erase(const std::string& assetId);
    const std::map<std::string, IndexEntry>& entries() const { return entries_; }

    /// Changes not yet written.
    std::size_t pending() const { return pending_; }
    /// Writes the index if it changed. Throws std::system_error like copyFileAtomically().
    void save();

    /// The index as JSON text.
    std::string toJson() const;

  private:
    std::filesystem::path folder_;
    std::map<std::string, IndexEntry> entries_;
    std::size_t pending_ = 0;
};

}  // namespace pixsync::folder
