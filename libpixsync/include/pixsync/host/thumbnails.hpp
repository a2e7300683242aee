#pragma once
/// @file thumbnails.hpp
/// The status page's thumbnails as the host sees them: sinks hand pictures in
/// (DeliveredPictures), the page reads them out. pixsync::media implements it
/// (thumbnail_cache.hpp); the pixsync command loads that library only when it serves a page.

#include <optional>
#include <string>

#include "pixsync/delivered_pictures.hpp"

namespace pixsync {

class Thumbnails : public DeliveredPictures {
  public:
    ~Thumbnails() override;
    /// True when a thumbnail of `assetId` is kept.
    virtual bool has(const std::string& assetId) const = 0;
    /// The JPEG of `assetId`, or nothing.
    virtual std::optional<std::string> read(const std::string& assetId) const = 0;
};

}  // namespace pixsync
