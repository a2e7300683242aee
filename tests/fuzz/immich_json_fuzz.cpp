// libFuzzer entry point for the immich source's response parser: any bytes must end in a
// result or a pixsync::Error; a crash, a hang or a sanitizer report is a bug.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cursor.hpp"
#include "immich_json.hpp"
#include "pixsync/error.hpp"

namespace {

// Runs one parser; an Error is a fine way for it to end.
template <class F>
void attempt(F&& parse) {
    try {
        parse();
    } catch (const pixsync::Error&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    using namespace pixsync::immich;
    attempt([&] {
        SearchPage page = parseSearchPage(input);
        for (const auto& stamp : page.stamps) (void)parseCursor(stamp.updatedAt);
    });
    attempt([&] { (void)parseUser(input); });
    attempt([&] { (void)parseUsers(input); });
    attempt([&] { (void)parseServerVersion(input); });
    attempt([&] { (void)parseAlbums(input); });
    attempt([&] { (void)parseAlbum(input); });
    attempt([&] { (void)parseTags(input); });
    attempt([&] { (void)parsePeople(input); });
    attempt([&] { (void)parsePerson(input); });
    (void)parseErrorBody(input);
    if (auto micros = parseTimestampMicros(input)) (void)formatTimestampMillis(*micros);
    if (auto cursor = parseCursor(input)) (void)formatCursor(*cursor);
    return 0;
}
