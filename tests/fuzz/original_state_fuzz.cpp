// libFuzzer entry point for the original service's state file, as both state stores read it
// (the sqlite store imports it, the json store extends it): any bytes must give the sent
// lists or a pixsync::Error.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pixsync/error.hpp"
#include "state-common/original_state.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto document = pixsync::state::parseStateJson("pixstar_sync_state.json", text);
        const auto sent = pixsync::state::readSentByRoute(document, "pixstar_sync_state.json");
        (void)pixsync::state::countIds(sent);
    } catch (const pixsync::Error&) {
    }
    return 0;
}
