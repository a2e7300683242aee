// readPictureSize(): an image's shown size from its header alone.
#include <vips/vips8>

#include "media/vips_runtime.hpp"
#include "pixsync/media_transform.hpp"

namespace pixsync {

std::optional<PictureSize> readPictureSize(const std::filesystem::path& path) {
    media::ensureVipsStarted();
    try {
        // Sequential access opens the header only; no pixel is decoded here.
        vips::VImage header = vips::VImage::new_from_file(
            path.c_str(), vips::VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL));
        if (header.width() <= 0 || header.height() <= 0) return std::nullopt;
        PictureSize size{static_cast<std::uint32_t>(header.width()),
                         static_cast<std::uint32_t>(header.height())};
        // Orientations 5 to 8 turn the picture by a quarter: shown, its sides swap.
        if (vips_image_get_orientation_swap(header.get_image())) std::swap(size.width, size.height);
        return size;
    } catch (const vips::VError&) {
        vips_error_clear();
        return std::nullopt;
    }
}

}  // namespace pixsync
