#pragma once
/// @file thumbnail_cache.hpp
/// The status page's thumbnails: a small JPEG of each delivered photo, made from the
/// frame-ready image a sink hands over (already small: no second decode of the original),
/// kept in a folder under a size bound, oldest dropped first. Part of pixsync::media.

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "pixsync/host/thumbnails.hpp"
#include "pixsync/log.hpp"

namespace pixsync {

class ThumbnailCache final : public Thumbnails {
  public:
    /// Longest side of a thumbnail, in pixels.
    static constexpr int kLongestSide = 256;

    /// Keeps thumbnails in `folder` (created 0700 when missing) up to `maxBytes` in all;
    /// thumbnails already there are taken over, oldest dropped first if over the bound.
    /// Throws Error(Config) naming the folder when it cannot be created or read.
    ThumbnailCache(std::filesystem::path folder, std::uint64_t maxBytes, Logger log);

    /// Makes and stores the thumbnail of `assetId` (replacing an older one).
    void keep(const std::string& assetId,
              const std::filesystem::path& frameReady) noexcept override;

    bool has(const std::string& assetId) const override;
    std::optional<std::string> read(const std::string& assetId) const override;
    /// Bytes kept in all.
    std::uint64_t bytes() const;

  private:
    struct Entry {
        std::uint64_t size = 0;
        std::uint64_t age = 0;  ///< order of arrival: lower is older
    };
    std::filesystem::path fileOf(const std::string& assetId) const;
    void dropOldestOverBound();

    std::filesystem::path folder_;
    std::uint64_t maxBytes_;
    Logger log_;
    mutable std::mutex mutex_;
    std::map<std::string, Entry> entries_;
    std::uint64_t total_ = 0, nextAge_ = 0;
};

}  // namespace pixsync

/// For a program that loads pixsync::media with dlopen (the pixsync command): a new
/// ThumbnailCache, or null with the reason in `error`. Delete it through the pointer.
extern "C" pixsync::Thumbnails* pixsync_media_open_thumbnails(const char* folder,
                                                              std::uint64_t maxBytes,
                                                              const pixsync::Logger* log,
                                                              char* error, unsigned long errorSize);
