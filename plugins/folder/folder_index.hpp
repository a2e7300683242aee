#pragma once
// `.pixsync-index.json` in each destination folder: which file holds which asset. It lets
// the sink replace an asset's file when its name changes and, later, remove the files of
// assets that are no longer favorites without guessing from file names.

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "pixsync/log.hpp"

namespace pixsync::folder {

/// The index file's name inside a destination folder.
inline constexpr const char* kIndexFileName = ".pixsync-index.json";

/// Asset id -> file name for one destination folder. Written atomically; changes are
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
    /// Records (or changes) the file of an asset.
    void set(const std::string& assetId, const std::string& fileName);
    /// Forgets an asset.
    void erase(const std::string& assetId);
    const std::map<std::string, std::string>& entries() const { return entries_; }

    /// Changes not yet written.
    std::size_t pending() const { return pending_; }
    /// Writes the index if it changed. Throws std::system_error like copyFileAtomically().
    void save();

    /// The index as JSON text.
    std::string toJson() const;

  private:
    std::filesystem::path folder_;
    std::map<std::string, std::string> entries_;
    std::size_t pending_ = 0;
};

}  // namespace pixsync::folder
