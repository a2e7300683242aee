// A plugin built with another C++ standard library than pixsync's (as libc++ records itself):
// its std::string and std::vector differ from pixsync's, so the loader must refuse it before
// any factory runs.
#include "pixsync/plugin.hpp"

namespace {
std::unique_ptr<pixsync::Sink> make(const pixsync::Options&, const pixsync::PluginContext&) {
    return nullptr;
}
}  // namespace

extern "C" __attribute__((visibility("default"))) const pixsync::PluginDescriptor*
pixsync_plugin_descriptor() {
    static const pixsync::PluginDescriptor d{pixsync::kPluginAbiMajor,
                                             pixsync::kPluginAbiMinor,
                                             pixsync::PluginKind::Sink,
                                             "other-runtime",
                                             "1.0",
                                             "built with libc++",
                                             nullptr,
                                             make,
                                             nullptr,
                                             {},
                                             "libc++ 170000"};
    return &d;
}
