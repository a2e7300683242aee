#pragma once
/// @file asset.hpp
/// A photo or video as pixsync sees it, whatever source it came from.

#include <cstdint>
#include <string>

namespace pixsync {

/// Whether an asset is a still image or a video.
enum class AssetKind { Image, Video, Other };

/// "image", "video" or "other".
const char* toString(AssetKind kind) noexcept;
/// Parses toString()'s output; anything else is Other.
AssetKind assetKindFromString(const std::string& s) noexcept;

/// A source-neutral description of one asset. All strings come from the source and are
/// untrusted: sinks sanitise them before they reach a header, a path or a URL.
struct Asset {
    std::string id;        ///< the source's stable id (for Immich a UUID)
    std::string checksum;  ///< content checksum; the same photo in two routes has the same one
    std::string fileName;  ///< original file name, as the user named it
    std::string mimeType;  ///< e.g. "image/heic"; may be empty when the source does not know
    AssetKind kind = AssetKind::Other;
    std::string takenAt;          ///< ISO 8601 as reported by the source; informational
    std::string updatedAt;        ///< ISO 8601 as reported by the source; informational
    std::string owner;            ///< the source's owner id
    std::uint64_t sizeBytes = 0;  ///< size of the original in bytes; 0 when unknown

    friend bool operator==(const Asset&, const Asset&) = default;
};

}  // namespace pixsync
