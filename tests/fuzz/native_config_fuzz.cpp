// libFuzzer entry point for the native configuration (JSON with comments, ${VAR}
// substitution): any bytes must give a configuration or a pixsync::Error.

#include <cstddef>
#include <cstdint>

#include "fuzz_files.hpp"
#include "pixsync/error.hpp"
#include "pixsync/host/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto file = pixsync::fuzz::folder().write("pixsync.json", data, size);
    const pixsync::Environment env = {{"IMMICH_KEY", "key"}, {"SMTP_PASSWORD", "password"}};
    try {
        (void)pixsync::loadNativeConfig(file, env);
    } catch (const pixsync::Error&) {
    }
    return 0;
}
