#include "pixsync/file_name.hpp"

#include <algorithm>

namespace pixsync {

namespace {

constexpr std::size_t kMaxExtensionBytes = 16;  // the dot included
constexpr std::string_view kCutMarker = "~";

bool isAsciiAlnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/// ".jpg" and the like at the end of `name`; empty when there is none.
std::string_view extensionOf(std::string_view name) {
    const std::size_t dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || name.size() - dot > kMaxExtensionBytes ||
        name.size() - dot < 2)
        return {};
    const std::string_view extension = name.substr(dot);
    if (!std::all_of(extension.begin() + 1, extension.end(), isAsciiAlnum)) return {};
    return extension;
}

/// The largest length <= `bytes` that does not end inside a UTF-8 sequence.
std::size_t characterBoundary(std::string_view text, std::size_t bytes) {
    bytes = std::min(bytes, text.size());
    // A continuation byte (10xxxxxx) at the cut belongs to the character before it.
    while (bytes > 0 && bytes < text.size() &&
           (static_cast<unsigned char>(text[bytes]) & 0xC0) == 0x80)
        --bytes;
    return bytes;
}

}  // namespace

std::string shortenFileName(std::string_view name, std::size_t maxBytes) {
    if (name.size() <= maxBytes) return std::string(name);
    std::string_view extension = extensionOf(name);
    if (extension.size() + kCutMarker.size() >= maxBytes) extension = {};
    const std::string_view stem = name.substr(0, name.size() - extension.size());
    const std::size_t room = maxBytes - extension.size() - kCutMarker.size();
    std::string shortened(stem.substr(0, characterBoundary(stem, room)));
    shortened += kCutMarker;
    shortened += extension;
    return shortened;
}

}  // namespace pixsync
