#include "media/decode_failure.hpp"

#include <initializer_list>

#include "pixsync/util/strings.hpp"

namespace pixsync::media {

namespace {

bool mentions(const std::string& lower, std::initializer_list<const char*> words) {
    for (const char* w : words)
        if (lower.find(w) != std::string::npos) return true;
    return false;
}

/// The format, from the name of the libvips loader that reported the error.
std::string formatNamed(const std::string& lower) {
    if (mentions(lower, {"vipsjpeg", "jpegload", "jpeg"})) return "JPEG";
    if (mentions(lower, {"vipspng", "pngload", "spng", "png"})) return "PNG";
    if (mentions(lower, {"heif", "heic"})) return "HEIC";
    if (mentions(lower, {"avif"})) return "AVIF";
    if (mentions(lower, {"webp"})) return "WebP";
    if (mentions(lower, {"tiff"})) return "TIFF";
    if (mentions(lower, {"gif"})) return "GIF";
    return "";
}

}  // namespace

std::string describeDecodeFailure(std::string_view libvipsText) {
    const std::string lower = toLower(libvipsText);
    if (mentions(lower, {"not a known file format", "unsupported", "no loader"}))
        return "the original file is not an image format pixsync can read";
    const std::string format = formatNamed(lower);
    if (mentions(lower, {"premature end", "truncated", "bad seek", "unexpected end", "out of data",
                         "end of file", "short read"}))
        return format.empty() ? "the original file is damaged (truncated)"
                              : cat("the original file is damaged (truncated ", format, ")");
    return format.empty() ? "the original file is damaged or cannot be decoded"
                          : cat("the original file is damaged or cannot be decoded (", format, ")");
}

}  // namespace pixsync::media
