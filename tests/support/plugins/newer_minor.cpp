// A plugin that needs a newer minor ABI than this host has: the loader must refuse it.
#include "pixsync/plugin.hpp"

namespace {
std::unique_ptr<pixsync::Sink> make(const pixsync::Options&, const pixsync::PluginContext&) {
    return nullptr;
}
}  // namespace

extern "C" __attribute__((visibility("default"))) const pixsync::PluginDescriptor*
pixsync_plugin_descriptor() {
    static const pixsync::PluginDescriptor d{pixsync::kPluginAbiMajor,
                                             pixsync::kPluginAbiMinor + 1,
                                             pixsync::PluginKind::Sink,
                                             "newer-minor",
                                             "1.0",
                                             "needs a newer host",
                                             nullptr,
                                             make,
                                             nullptr,
                                             {},
                                             PIXSYNC_CXX_RUNTIME};
    return &d;
}
