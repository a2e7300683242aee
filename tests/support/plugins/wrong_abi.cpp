// A plugin built for another major ABI version: the loader must refuse it.
#include "pixsync/plugin.hpp"

namespace {
std::unique_ptr<pixsync::Sink> make(const pixsync::Options&, const pixsync::PluginContext&) {
    return nullptr;
}
}  // namespace

extern "C" __attribute__((visibility("default"))) const pixsync::PluginDescriptor*
pixsync_plugin_descriptor() {
    static const pixsync::PluginDescriptor d{pixsync::kPluginAbiMajor + 1,
                                             0,
                                             pixsync::PluginKind::Sink,
                                             "wrong-abi",
                                             "1.0",
                                             "built for a future ABI",
                                             nullptr,
                                             make,
                                             nullptr,
                                             {},
                                             PIXSYNC_CXX_RUNTIME};
    return &d;
}
