#include <cctype>
#include <optional>
#include <string_view>

#include "pixsync/media_transform.hpp"

namespace pixsync {

namespace {
int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

std::optional<RgbColor> parseRgbColor(std::string_view text) {
    if (!text.empty() && text.front() == '#') text.remove_prefix(1);
    if (text.size() != 6) return std::nullopt;
    std::uint8_t channels[3];
    for (int i = 0; i < 3; ++i) {
        const int high = hexValue(text[static_cast<std::size_t>(2 * i)]);
        const int low = hexValue(text[static_cast<std::size_t>(2 * i + 1)]);
        if (high < 0 || low < 0) return std::nullopt;
        channels[i] = static_cast<std::uint8_t>(high * 16 + low);
    }
    return RgbColor{channels[0], channels[1], channels[2]};
}

}  // namespace pixsync
