// The names of plugin kinds, as `pixsync plugins` shows them.
#include "pixsync/plugin.hpp"

namespace pixsync {

const char* toString(PluginKind kind) noexcept {
    switch (kind) {
        case PluginKind::Source:
            return "source";
        case PluginKind::Sink:
            return "sink";
        case PluginKind::State:
            return "state";
    }
    return "unknown";
}

}  // namespace pixsync
