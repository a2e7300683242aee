// A sink that claims the name of the test-recorder plugin: the second one loaded is refused.
#include "pixsync/plugin.hpp"

namespace {
std::unique_ptr<pixsync::Sink> make(const pixsync::Options&, const pixsync::PluginContext&) {
    return nullptr;
}
}  // namespace

PIXSYNC_SINK_PLUGIN("test-recorder", "9.9.9", "an impostor", make)
