// A source plugin whose descriptor lacks the factory: registration must refuse it.
#include "pixsync/plugin.hpp"

extern "C" __attribute__((visibility("default"))) const pixsync::PluginDescriptor*
pixsync_plugin_descriptor() {
    static const pixsync::PluginDescriptor d{pixsync::kPluginAbiMajor,
                                             pixsync::kPluginAbiMinor,
                                             pixsync::PluginKind::Source,
                                             "no-factory",
                                             "1.0",
                                             "forgot its factory",
                                             nullptr,
                                             nullptr,
                                             nullptr,
                                             {},
                                             PIXSYNC_CXX_RUNTIME};
    return &d;
}
