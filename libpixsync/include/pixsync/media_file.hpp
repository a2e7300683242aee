#pragma once
/// @file media_file.hpp
/// An asset's media, downloaded by a source into a temporary file.

#include <cstdint>
#include <string>

#include "pixsync/temp_file.hpp"

namespace pixsync {

/// Media of one asset on local disk. The file is removed when the MediaFile is destroyed.
struct MediaFile {
    TempFile file;           ///< the bytes, never held in memory as a whole
    std::string mimeType;    ///< as confirmed by the source (e.g. from Content-Type)
    std::uint64_t size = 0;  ///< bytes in the file
    bool isPreview = false;  ///< true when this is a source-rendered preview, not the original
};

}  // namespace pixsync
