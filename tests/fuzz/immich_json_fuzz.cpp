// libFuzzer entry point for the immich source's response parser: any bytes must end in a
// result or a pixsync::Error; a crash, a hang or a sanitizer report is a bug.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cursor.hpp"
#include "immich_json.hpp"
#include "pixsync/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    using namespace pixsync::immich;
    try {
        SearchPage page = parseSearchPage(input);
        for (const auto& stamp : page.stamps) (void)parseCursor(stamp.updatedAt);
    } catch (const pixsync::Error&) {
    }
    try {
        (void)parseUser(input);
    } catch (const pixsync::Error&) {
    }
    try {
        (void)parseUsers(input);
    } catch (const pixsync::Error&) {
    }
    try {
        (void)parseServerVersion(input);
    } catch (const pixsync::Error&) {
    }
    (void)parseErrorBody(input);
    (void)parseTimestampMicros(input);
    if (auto cursor = parseCursor(input)) (void)formatCursor(*cursor);
    return 0;
}
