// The names of asset kinds, as sources write them and state stores keep them.
#include "pixsync/asset.hpp"

namespace pixsync {

const char* toString(AssetKind kind) noexcept {
    switch (kind) {
        case AssetKind::Image:
            return "image";
        case AssetKind::Video:
            return "video";
        case AssetKind::Other:
            return "other";
    }
    return "other";
}

AssetKind assetKindFromString(const std::string& s) noexcept {
    if (s == "image") return AssetKind::Image;
    if (s == "video") return AssetKind::Video;
    return AssetKind::Other;
}

}  // namespace pixsync
