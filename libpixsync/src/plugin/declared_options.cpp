#include "pixsync/plugin.hpp"

namespace pixsync {

std::span<const OptionDeclaration> declaredOptions(const PluginDescriptor& descriptor) noexcept {
    // A descriptor built before ABI 2.1 ends before `options`: reading it would read past the
    // plugin's static object.
    if (descriptor.abiMajor != kPluginAbiMajor || descriptor.abiMinor < 1) return {};
    if (!descriptor.options.items) return {};
    return {descriptor.options.items, descriptor.options.count};
}

}  // namespace pixsync
