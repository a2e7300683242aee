#pragma once
/// @file frame_box.hpp
/// The box a sink fits pictures into, which travels from the sink to the source so that a
/// source may send a smaller rendition of a photo (Immich's preview) when it makes the same
/// picture as the original.

#include <cstdint>

namespace pixsync {

/// Width × height in pixels that the pictures for some destinations are fitted into (never
/// enlarged): for a sink with frame profiles, the largest width and the largest height among
/// the destinations' profiles.
struct FrameBox {
    std::uint32_t width = 0;
    std::uint32_t height = 0;

    /// True when a picture of `pictureWidth` × `pictureHeight` pixels (upright) is large enough
    /// to be fitted into this box: it reaches the box's width or its height, so fitting it
    /// gives the same size as fitting any larger picture of the same shape (its original).
    constexpr bool filledBy(std::uint32_t pictureWidth,
                            std::uint32_t pictureHeight) const noexcept {
        return pictureWidth >= width || pictureHeight >= height;
    }

    friend bool operator==(const FrameBox&, const FrameBox&) = default;
};

}  // namespace pixsync
