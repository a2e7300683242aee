#include "cursor.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <vector>

#include "immich_json.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::immich {

namespace {
constexpr std::size_t kMaxCursorIds = 200;
constexpr std::size_t kKeyTagLength = 8;

bool isKeyTag(std::string_view tag) {
    return tag.size() == kKeyTagLength && std::all_of(tag.begin(), tag.end(), [](char c) {
               return std::isxdigit(static_cast<unsigned char>(c));
           });
}

/// "@<uuid>:<tag>" into the cursor; anything else is ignored (the owner is asked again).
void parseOwner(std::string_view token, Cursor& c) {
    auto colon = token.find(':');
    if (colon == std::string_view::npos) return;
    std::string_view owner = token.substr(1, colon - 1), tag = token.substr(colon + 1);
    if (!isUuid(owner) || !isKeyTag(tag)) return;
    c.owner = toLower(owner);
    c.keyTag = toLower(tag);
}
}  // namespace

std::string keyTag(std::string_view apiKey) {
    // FNV-1a, 32 bits: a changed key is noticed with near certainty, and 32 bits of a digest
    // say nothing useful about a key of Immich's length.
    std::uint32_t h = 2166136261u;
    for (unsigned char c : apiKey) h = (h ^ c) * 16777619u;
    static const char* const hex = "0123456789abcdef";
    std::string out(kKeyTagLength, '0');
    for (std::size_t i = 0; i < kKeyTagLength; ++i)
        out[kKeyTagLength - 1 - i] = hex[(h >> (4 * i)) & 0xf];
    return out;
}

std::optional<Cursor> parseCursor(std::string_view text) {
    auto space = text.find(' ');
    std::string_view date = text.substr(0, space);
    auto micros = parseTimestampMicros(date);
    if (!micros) return std::nullopt;
    Cursor c;
    c.updatedAt = std::string(date);
    c.micros = *micros;
    if (space == std::string_view::npos) return c;
    for (auto& token : split(text.substr(space + 1), ' ')) {
        if (token.starts_with('@')) {
            parseOwner(token, c);
            continue;
        }
        for (auto& id : split(token, ','))
            if (isUuid(id) && c.ids.size() < kMaxCursorIds) c.ids.insert(toLower(id));
    }
    return c;
}

std::string formatCursor(const Cursor& cursor) {
    std::string out = cursor.updatedAt;
    if (!cursor.ids.empty() && cursor.ids.size() <= kMaxCursorIds) {
        std::vector<std::string> ids(cursor.ids.begin(), cursor.ids.end());
        std::sort(ids.begin(), ids.end());  // stable text for equal cursors
        out += " " + join(ids, ",");
    }
    if (!cursor.owner.empty()) out += cat(" @", cursor.owner, ":", cursor.keyTag);
    return out;
}

}  // namespace pixsync::immich
