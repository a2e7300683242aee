// Test state store "test-memory-state": keeps everything in memory and declares no `path`
// option, as a third-party store backed by a database server might. pixsync must run with it
// (no lock file, no daemon marker, no thumbnails) and say what it cannot do without a file.
#include "memory_state_store.hpp"
#include "pixsync/plugin.hpp"

namespace {

using namespace pixsync;

std::unique_ptr<StateStore> make(const Options&, const PluginContext&, OpenMode) {
    return std::make_unique<test::MemoryStateStore>();
}

constexpr OptionDeclaration kOptions[] = {
    {.name = "label", .type = OptionType::String, .description = "ignored"},
};

}  // namespace

PIXSYNC_STATE_PLUGIN("test-memory-state", "1.0.0", "test: state kept in memory, no file", make,
                     kOptions);
