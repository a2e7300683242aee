// libFuzzer entry point for the json state store's journal (`<state>.journal`), read when the
// store opens: any bytes must give its records or a pixsync::Error.

#include <cstddef>
#include <cstdint>

#include "fuzz_files.hpp"
#include "journal.hpp"
#include "pixsync/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace pixsync;
    const auto& folder = fuzz::folder();
    const jsonstate::Journal journal(folder.path() / "state.json");
    folder.write(journal.path().filename().string(), data, size);
    try {
        // The cap of the default batch_size (200 outcomes and a requeue line of 500), as the
        // store passes it: inputs past it are refused by their size, below it parsed.
        (void)journal.read((200 + 500) * 4096);
    } catch (const Error&) {
    }
    return 0;
}
