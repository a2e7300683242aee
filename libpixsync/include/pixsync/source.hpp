#pragma once
/// @file source.hpp
/// The interface every source plugin implements: where favorites come from.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pixsync/asset.hpp"
#include "pixsync/check.hpp"
#include "pixsync/frame_box.hpp"
#include "pixsync/media_file.hpp"

namespace pixsync {

/// The answer to one listing request.
struct Listing {
    /// The assets found. For a full listing: every asset the route currently wants. For an
    /// incremental one: those that changed since the cursor (may include ones already known;
    /// the engine de-duplicates).
    std::vector<Asset> assets;
    /// Opaque position to pass to the next incremental list() call. Stored by the engine in
    /// the state store only after the listing's plan is committed.
    std::string cursor;
    /// True when `assets` is the complete current set.
    bool full = false;
};

/// A file already on this machine that holds an asset's media (Source::localMedia()).
struct LocalMedia {
    std::filesystem::path path;  ///< a regular file, read where it is
    std::string mimeType;        ///< what the file holds, e.g. "image/jpeg"
};

/// A source of assets for one route (for Immich: one user's favorites).
///
/// Threading: the engine calls a Source instance from one thread at a time, but list() and
/// fetch() of different instances may run concurrently.
class Source {
  public:
    virtual ~Source() = default;

    /// Lists assets. An empty cursor asks for a full listing; otherwise the source may answer
    /// incrementally with what changed since the cursor (or fully, setting `full`).
    /// Throws Error(Unavailable) when the source cannot be reached or refuses the request.
    virtual Listing list(const std::string& cursor) = 0;

    /// Downloads an asset's original media into a temporary file (streamed, never whole in
    /// memory). Throws Error(Unavailable) for transient faults and Error(Media) when this
    /// asset's media cannot be had at all (gone, over the size limit).
    virtual MediaFile fetch(const Asset& asset) = 0;

    /// A rendered preview to fall back on when the original cannot be decoded by the sink.
    /// Sources without one return nullopt (the default).
    virtual std::optional<MediaFile> fetchPreview(const Asset& /*asset*/) { return std::nullopt; }

    /// Adds the results of `pixsync check` for this source (reachability, credentials,
    /// permissions). Must not change anything.
    virtual void check(CheckReport& /*report*/) {}

    // --- ABI 2.4 ---
    /// For a source whose media already are files here (a local folder, a mounted share):
    /// the file holding `asset`. The engine and the sinks read it in place, with no copy,
    /// and never move, change or remove it. nullopt (the default) has the engine call fetch()
    /// instead. Throws like fetch() (Error(Media) when this file is gone).
    virtual std::optional<LocalMedia> localMedia(const Asset& /*asset*/) { return std::nullopt; }

    // --- ABI 2.6 ---
    /// Downloads media for a picture fitted into `box` (Sink::frameBox(); nullopt: the sink
    /// takes the media as it is). A source with renditions of its own may return one, marked
    /// isPreview, when its picture fills the box (FrameBox::filledBy()): the frame then shows
    /// the same size of picture for a fraction of the download and decoding. The default
    /// downloads the original (fetch()). Throws like fetch().
    virtual MediaFile fetchFor(const Asset& asset, const std::optional<FrameBox>& /*box*/) {
        return fetch(asset);
    }
};

}  // namespace pixsync
