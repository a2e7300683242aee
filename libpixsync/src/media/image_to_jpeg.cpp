#include "media/image_to_jpeg.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>
#include <vips/vips8>

#include "media/decode_failure.hpp"
#include "media/vips_runtime.hpp"
#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::media {

namespace {

using vips::VImage;

/// libvips' reason, on one line, and the error buffer cleared for the next conversion.
std::string vipsReason(const vips::VError& error) {
    std::vector<std::string> lines;
    for (const auto& line : split(error.what(), '\n')) {
        std::string text = trim(line);
        if (!text.empty()) lines.push_back(std::move(text));
    }
    vips_error_clear();
    return lines.empty() ? std::string("unknown libvips error") : join(lines, "; ");
}

/// Opens only the header and refuses images that claim too many pixels.
VImage checkedHeader(const std::filesystem::path& source, const FrameProfile& profile) {
    VImage header = VImage::new_from_file(source.c_str(),
                                          VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL));
    const auto width = static_cast<std::uint64_t>(header.width());
    const auto height = static_cast<std::uint64_t>(header.height());
    if (width * height > profile.maxPixels) {
        throw mediaError(cat("image is ", width, "\u00d7", height, ", over the limit of ",
                             profile.maxPixels / 1'000'000, " megapixels"));
    }
    return header;
}

/// The scale (1, 2, 4 or 8) at which to decode a JPEG: the smallest picture libjpeg can
/// decode (scaling its DCT blocks, for a fraction of the work and memory of the whole picture)
/// that still covers the frame. libvips' thumbnail() keeps a factor of two for its own resize,
/// so a 4000x3000 photo for a 1024x768 frame (3.9) would be decoded whole. Decoded at half
/// size it costs a quarter less CPU and 12 MB less memory, and about as much fine detail as
/// fitting a 1440-pixel preview does (see the README's Previews section).
int jpegDecodeScale(VImage& header, const FrameProfile& profile) {
    if (header.get_typeof("vips-loader") == 0 ||
        std::string(header.get_string("vips-loader")) != "jpegload")
        return 1;
    double width = header.width(), height = header.height();
    if (vips_image_get_orientation_swap(header.get_image())) std::swap(width, height);
    // Fitting inside the box: the side that needs the most shrinking decides.
    const double shrink = std::max(width / profile.maxWidth, height / profile.maxHeight);
    for (int scale : {8, 4, 2})
        if (shrink >= scale) return scale;
    return 1;
}

}  // namespace

FrameMedia imageToJpeg(const std::filesystem::path& source, const FrameProfile& profile,
                       const std::filesystem::path& tempDir) {
    ensureVipsStarted();
    FrameMedia result;
    try {
        VImage header = checkedHeader(source, profile);
        const bool hasProfile = header.get_typeof("icc-profile-data") != 0;
        const int decodeScale = jpegDecodeScale(header, profile);
        // thumbnail() applies the EXIF orientation and shrinks while loading where it can
        // (HEIC's embedded thumbnails, WebP). fail_on=error makes a truncated file an error
        // instead of a grey-padded picture.
        auto options =
            VImage::option()->set("height", profile.maxHeight)->set("size", VIPS_SIZE_DOWN);
        // Only an embedded ICC profile needs a colour transform to sRGB. Without one the
        // pixels already are sRGB (or another space colourspace() converts below), and an
        // sRGB-to-sRGB ICC pass would cost more CPU than the decode and resize together.
        if (hasProfile) options->set("export_profile", "srgb");
        VImage image;
        if (decodeScale > 1) {
            const VImage scaled =
                VImage::new_from_file(source.c_str(), VImage::option()
                                                          ->set("access", VIPS_ACCESS_SEQUENTIAL)
                                                          ->set("shrink", decodeScale)
                                                          ->set("fail_on", VIPS_FAIL_ON_ERROR));
            image = scaled.thumbnail_image(profile.maxWidth, options);
        } else {
            image = VImage::thumbnail(source.c_str(), profile.maxWidth,
                                      options->set("fail_on", VIPS_FAIL_ON_ERROR));
        }
        if (image.interpretation() != VIPS_INTERPRETATION_sRGB)
            image = image.colourspace(VIPS_INTERPRETATION_sRGB);
        if (image.has_alpha()) {
            const std::vector<double> background{double(profile.background.red),
                                                 double(profile.background.green),
                                                 double(profile.background.blue)};
            image = image.flatten(VImage::option()->set("background", background));
        }
        if (image.format() != VIPS_FORMAT_UCHAR) image = image.cast(VIPS_FORMAT_UCHAR);

        result.converted = TempFile::create(tempDir, ".jpg");
        image.jpegsave(result.converted.path().c_str(), VImage::option()
                                                            ->set("Q", profile.jpegQuality)
                                                            ->set("strip", true)
                                                            ->set("optimize_coding", true));
        result.width = image.width();
        result.height = image.height();
    } catch (const vips::VError& error) {
        // The decoder's words name the temporary file and libvips' classes: debug log only.
        const std::string detail = vipsReason(error);
        logMediaDetail(cat("cannot convert ", source.string(), ": ", detail));
        throw mediaError(describeDecodeFailure(detail));
    }
    result.path = result.converted.path();
    result.mimeType = "image/jpeg";
    result.size = result.converted.size();
    return result;
}

}  // namespace pixsync::media
