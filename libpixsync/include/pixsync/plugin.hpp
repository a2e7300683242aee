#pragma once
/// @file plugin.hpp
/// The plugin ABI. A plugin is a shared object exporting one C function,
/// `pixsync_plugin_descriptor`, that returns a pointer to a static PluginDescriptor.
///
/// Versioning: the loader accepts a plugin whose abiMajor equals the host's and whose
/// abiMinor is not newer than the host's. The major number changes when an interface
/// (Source, Sink, StateStore, Options, Logger, PluginContext, the descriptor) changes
/// incompatibly; the minor number changes when something is added that older plugins do
/// not need. The first two fields of the descriptor never move, so any plugin's version can
/// be read. Write plugins with the PIXSYNC_*_PLUGIN macros rather than by hand.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include "pixsync/clock.hpp"
#include "pixsync/delivered_pictures.hpp"
#include "pixsync/log.hpp"
#include "pixsync/option_declaration.hpp"
#include "pixsync/options.hpp"
#include "pixsync/sink.hpp"
#include "pixsync/source.hpp"
#include "pixsync/state_store.hpp"

namespace pixsync {

/// ABI version of this build of libpixsync.
inline constexpr std::uint32_t kPluginAbiMajor = 2;
inline constexpr std::uint32_t kPluginAbiMinor = 7;
// Minor versions: 1 added PluginDescriptor::options (declared options); 2 appended
// Outcome::Kind::Held; 3 appended StateStore::recentDeliveries and PluginContext::pictures;
// 4 appended Source::localMedia; 5 appended PluginDescriptor::cxxRuntime; 6 appended
// Sink::frameBox, Sink::prepare and Source::fetchFor (and the FrameBox they pass); 7 appended
// StateStore::dueForRoute.

#define PIXSYNC_STRINGIFY_(X) #X
#define PIXSYNC_STRINGIFY(X) PIXSYNC_STRINGIFY_(X)
/// The C++ standard library the including code is compiled against ("libstdc++ 12",
/// "libc++ 170000"): a plugin's descriptor records it, and the loader refuses a plugin built
/// with another library than pixsync's, whose std::string and std::vector would differ.
#if defined(_LIBCPP_VERSION)
#define PIXSYNC_CXX_RUNTIME "libc++ " PIXSYNC_STRINGIFY(_LIBCPP_VERSION)
#elif defined(__GLIBCXX__)
#define PIXSYNC_CXX_RUNTIME "libstdc++ " PIXSYNC_STRINGIFY(_GLIBCXX_RELEASE)
#else
#define PIXSYNC_CXX_RUNTIME "unknown"
#endif

/// What a plugin provides.
enum class PluginKind : std::uint32_t { Source = 1, Sink = 2, State = 3 };

/// "source", "sink", "state".
const char* toString(PluginKind kind) noexcept;

/// What the host gives a plugin instance besides its options.
struct PluginContext {
    std::string instanceName;  ///< the instance's name in the configuration
    Logger log;                ///< tagged with the instance name
    const Clock& clock;
    std::filesystem::path tempDir;  ///< where to put temporary files (media downloads)
    // --- ABI 2.3 ---
    /// Where a sink hands each picture it delivered (the status page's thumbnails); null when
    /// the host keeps none. Hosts build the context, so older plugins simply never read it.
    DeliveredPictures* pictures = nullptr;
};

/// Factories. Options are the instance's (for a source: the source's options merged with the
/// route's). A factory validates its options and throws Error(Config) naming the key; it
/// must not contact the outside world (check() and the first list()/deliver() do).
using SourceFactory = std::unique_ptr<Source> (*)(const Options& options,
                                                  const PluginContext& context);
using SinkFactory = std::unique_ptr<Sink> (*)(const Options& options, const PluginContext& context);
using StateStoreFactory = std::unique_ptr<StateStore> (*)(const Options& options,
                                                          const PluginContext& context,
                                                          OpenMode mode);

/// The descriptor a plugin exports. Exactly the factory matching `kind` is set.
struct PluginDescriptor {
    std::uint32_t abiMajor;  ///< must stay the first field
    std::uint32_t abiMinor;  ///< must stay the second field
    PluginKind kind;
    const char* name;         ///< unique among loaded plugins; what configs refer to
    const char* version;      ///< the plugin's own version
    const char* description;  ///< one line for `pixsync plugins`
    SourceFactory createSource;
    SinkFactory createSink;
    StateStoreFactory createStateStore;
    // --- ABI 2.1 ---
    /// The plugin's declared options. Empty: the plugin declares nothing and its options are
    /// passed to it unchecked (as for every plugin built before ABI 2.1).
    OptionList options;
    // --- ABI 2.5 ---
    /// PIXSYNC_CXX_RUNTIME as the plugin was compiled: the loader compares it with its own.
    const char* cxxRuntime;
};

/// The C++ standard library libpixsync was built with (PIXSYNC_CXX_RUNTIME).
const char* hostCxxRuntime() noexcept;

/// The options a plugin declares; empty for a plugin built before ABI 2.1 (its descriptor
/// ends before the field) or one that declares none.
std::span<const OptionDeclaration> declaredOptions(const PluginDescriptor& descriptor) noexcept;

}  // namespace pixsync

/// The symbol the loader looks for.
#define PIXSYNC_PLUGIN_ENTRY_SYMBOL "pixsync_plugin_descriptor"

#define PIXSYNC_DEFINE_PLUGIN_(KIND, NAME, VERSION, DESCRIPTION, SRC, SNK, STATE, ...)          \
    extern "C" __attribute__((visibility("default"))) const ::pixsync::PluginDescriptor*        \
    pixsync_plugin_descriptor(void) {                                                           \
        static const ::pixsync::PluginDescriptor descriptor{::pixsync::kPluginAbiMajor,         \
                                                            ::pixsync::kPluginAbiMinor,         \
                                                            KIND,                               \
                                                            NAME,                               \
                                                            VERSION,                            \
                                                            DESCRIPTION,                        \
                                                            SRC,                                \
                                                            SNK,                                \
                                                            STATE,                              \
                                                            ::pixsync::optionList(__VA_ARGS__), \
                                                            PIXSYNC_CXX_RUNTIME};               \
        return &descriptor;                                                                     \
    }

/// Declares a source plugin, optionally with its option declarations (a static array):
///   PIXSYNC_SOURCE_PLUGIN("immich", "1.0.0", "Immich favorites", make, kOptions);
#define PIXSYNC_SOURCE_PLUGIN(NAME, VERSION, DESCRIPTION, FACTORY, ...)                        \
    PIXSYNC_DEFINE_PLUGIN_(::pixsync::PluginKind::Source, NAME, VERSION, DESCRIPTION, FACTORY, \
                           nullptr, nullptr, __VA_ARGS__)
/// Declares a sink plugin (see PIXSYNC_SOURCE_PLUGIN).
#define PIXSYNC_SINK_PLUGIN(NAME, VERSION, DESCRIPTION, FACTORY, ...)                        \
    PIXSYNC_DEFINE_PLUGIN_(::pixsync::PluginKind::Sink, NAME, VERSION, DESCRIPTION, nullptr, \
                           FACTORY, nullptr, __VA_ARGS__)
/// Declares a state store plugin (see PIXSYNC_SOURCE_PLUGIN).
#define PIXSYNC_STATE_PLUGIN(NAME, VERSION, DESCRIPTION, FACTORY, ...)                        \
    PIXSYNC_DEFINE_PLUGIN_(::pixsync::PluginKind::State, NAME, VERSION, DESCRIPTION, nullptr, \
                           nullptr, FACTORY, __VA_ARGS__)
