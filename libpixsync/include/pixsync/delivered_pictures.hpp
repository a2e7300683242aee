#pragma once
/// @file delivered_pictures.hpp
/// Where a sink hands the picture it delivered, so the status page can show what each frame
/// received. The host provides it (PluginContext::pictures); a sink that makes frame-ready
/// images calls keep() once per delivered photo.

#include <filesystem>
#include <string>

namespace pixsync {

class DeliveredPictures {
  public:
    virtual ~DeliveredPictures();
    /// `frameReady` is the image as delivered (a JPEG the sink made); it may be removed as
    /// soon as this returns. Call it after a delivery of the asset succeeded, for images only.
    /// Never throws: a picture that cannot be kept is only missing from the page.
    virtual void keep(const std::string& assetId,
                      const std::filesystem::path& frameReady) noexcept = 0;
};

}  // namespace pixsync
