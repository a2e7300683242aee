#pragma once
// The "folder" sink: writes frame-ready files into one folder per destination below a root
// (a network share or a USB stick that a frame or TV shows pictures from).

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "folder_index.hpp"
#include "pixsync/plugin.hpp"
#include "pixsync/sink.hpp"
#include "settings.hpp"

namespace pixsync::folder {

/// Delivers media by writing files. A destination's address is a folder below the root.
class FolderSink final : public Sink {
  public:
    FolderSink(FolderSettings settings, const PluginContext& context);
    /// Writes the indexes that still have unsaved changes.
    ~FolderSink() override;
    FolderSink(const FolderSink&) = delete;
    FolderSink& operator=(const FolderSink&) = delete;

    std::vector<Outcome> deliver(const DeliveryRequest& request,
                                 const std::vector<Destination>& destinations) override;
    std::string validateDestination(const Destination& destination) const override;
    void check(CheckReport& report) override;

    /// Removes from a destination's folder the files of every indexed asset not in
    /// `keepAssetIds`, and forgets them; returns how many files were removed. This is what
    /// `remove_unfavorited` needs, but the engine has no way to call it yet (see settings.cpp).
    std::size_t removeAllExcept(const Destination& destination,
                                const std::set<std::string>& keepAssetIds);

    /// Writes every index with unsaved changes now.
    void saveIndexes();

  private:
    const FrameProfile& profileFor(const std::string& name) const;
    std::filesystem::path folderFor(const Destination& destination) const;
    /// Throws Error(Unavailable) when the root is missing or not a folder.
    void requireRoot() const;
    /// Creates the destination folder when needed; Error(Unavailable) when the root refuses.
    void ensureFolder(const std::filesystem::path& folder) const;
    FolderIndex& indexFor(const std::filesystem::path& folder);
    /// Saves indexes when enough changes piled up or enough time passed.
    void saveIndexesIfDue();

    FolderSettings settings_;
    Logger log_;
    const Clock& clock_;
    std::filesystem::path tempDir_;
    std::map<std::filesystem::path, FolderIndex> indexes_;
    TimePoint lastIndexSave_;
};

/// The plugin's factory.
std::unique_ptr<Sink> createFolderSink(const Options& options, const PluginContext& context);

}  // namespace pixsync::folder
