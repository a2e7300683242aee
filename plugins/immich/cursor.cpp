#include "cursor.hpp"

#include <algorithm>
#include <vector>

#include "immich_json.hpp"
#include "pixsync/strings.hpp"

namespace pixsync::immich {

namespace {
constexpr std::size_t kMaxCursorIds = 200;
}

std::optional<Cursor> parseCursor(std::string_view text) {
    auto space = text.find(' ');
    std::string_view date = text.substr(0, space);
    auto micros = parseTimestampMicros(date);
    if (!micros) return std::nullopt;
    Cursor c;
    c.updatedAt = std::string(date);
    c.micros = *micros;
    if (space != std::string_view::npos)
        for (auto& id : split(text.substr(space + 1), ','))
            if (isUuid(id) && c.ids.size() < kMaxCursorIds) c.ids.insert(toLower(id));
    return c;
}

std::string formatCursor(const Cursor& cursor) {
    if (cursor.ids.empty() || cursor.ids.size() > kMaxCursorIds) return cursor.updatedAt;
    std::vector<std::string> ids(cursor.ids.begin(), cursor.ids.end());
    std::sort(ids.begin(), ids.end());  // stable text for equal cursors
    return cursor.updatedAt + " " + join(ids, ",");
}

}  // namespace pixsync::immich
