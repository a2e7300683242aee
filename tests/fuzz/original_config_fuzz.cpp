// libFuzzer entry point for the original's configuration: a fixed environment and the
// fuzzer's bytes as pixstar_mapping.json, through the same loader the CLI uses. Any bytes
// must give a configuration or a pixsync::Error.

#include <cstddef>
#include <cstdint>

#include "fuzz_files.hpp"
#include "original/original_config.hpp"
#include "pixsync/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto& folder = pixsync::fuzz::folder();
    folder.write("pixstar_mapping.json", data, size);
    // No .env file: the environment carries everything but the mapping.
    const pixsync::Environment env = {
        {"IMMICH_BASE_URL", "http://127.0.0.1:2283/api"},
        {"IMMICH_API_KEY", "admin-key"},
        {"SMTP_HOST", "127.0.0.1"},
        {"SMTP_USER", "sender@example.com"},
        {"SMTP_PASSWORD", "password"},
    };
    try {
        (void)pixsync::original::loadConfig(folder.path() / ".env", env);
    } catch (const pixsync::Error&) {
    }
    return 0;
}
