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
    /// The largest of the destinations' frame profiles: a source's preview that fills it
    /// makes the same picture as the original.
    std::optional<FrameBox> frameBox(const std::vector<Destination>& destinations) const override {
        return settings_.profiles.boxFor(destinations);
    }
    void check(CheckReport& report) override;

    /// With `remove_unfavorited`: removes from each destination folder the files this route
    /// delivered whose assets the full listing no longer holds (see removal.hpp). Removes
    /// nothing, with a warning, when the listing is empty but the route has files there.
    /// Error(Unavailable) when the root is missing or a folder refuses the removal.
    void retain(const RetainRequest& request,
                const std::vector<Destination>& destinations) override;

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
    /// The warning for a full listing that is empty while the route has files in `folders`.
    void keepEverythingOfAnEmptyListing(const RetainRequest& request,
                                        const std::set<std::filesystem::path>& folders,
                                        std::size_t files) const;
    /// Saves indexes when enough changes piled up or enough time passed.
    void saveIndexesIfDue();

    FolderSettings settings_;
    Logger log_;
    const Clock& clock_;
    std::filesystem::path tempDir_;
    DeliveredPictures* pictures_;  ///< the host's thumbnails; may be null
    std::map<std::filesystem::path, FolderIndex> indexes_;
    TimePoint lastIndexSave_;
};

/// The plugin's factory.
std::unique_ptr<Sink> createFolderSink(const Options& options, const PluginContext& context);

}  // namespace pixsync::folder
