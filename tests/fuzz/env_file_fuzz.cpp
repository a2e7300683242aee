// libFuzzer entry point for the `.env` reader: any bytes must give an environment or a
// pixsync::Error; a crash, a hang or a sanitizer report is a bug.

#include <cstddef>
#include <cstdint>

#include "fuzz_files.hpp"
#include "original/original_config.hpp"
#include "pixsync/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto file = pixsync::fuzz::folder().write(".env", data, size);
    try {
        (void)pixsync::original::parseEnvFile(file);
    } catch (const pixsync::Error&) {
    }
    return 0;
}
