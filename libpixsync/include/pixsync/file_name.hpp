#pragma once
/// @file file_name.hpp
/// Bounding the length of a file name that comes from a source (e.g. Immich's
/// originalFileName, which may be thousands of characters long).

#include <cstddef>
#include <string>
#include <string_view>

namespace pixsync {

/// The longest file name kept, in bytes: what most file systems allow for one name.
inline constexpr std::size_t kMaxFileNameBytes = 255;

/// `name` unchanged when it fits in `maxBytes`; otherwise its beginning, cut on a UTF-8
/// character boundary, then "~" and its extension (".jpg": a dot and up to 15 ASCII letters
/// or digits at the end), together at most `maxBytes` bytes. Valid UTF-8 stays valid.
std::string shortenFileName(std::string_view name, std::size_t maxBytes = kMaxFileNameBytes);

}  // namespace pixsync
