// Loading plugins from shared objects and checking them before use.
#include "pixsync/host/plugin_registry.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync {

namespace fs = std::filesystem;

namespace {

/// An open shared object, closed on destruction.
struct Library {
    void* handle = nullptr;
    explicit Library(void* h) : handle(h) {}
    ~Library() {
        // With RTLD_NODELETE this only drops the reference; the code stays mapped.
        if (handle) ::dlclose(handle);
    }
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;
};

}  // namespace

struct PluginRegistry::Impl {
    std::vector<std::unique_ptr<Library>> libraries;
    std::deque<LoadedPlugin> plugins;  // deque: references stay valid as plugins load
    std::vector<fs::path> searchPath;
};

PluginRegistry::PluginRegistry() : impl_(std::make_unique<Impl>()) {}
PluginRegistry::~PluginRegistry() = default;

const std::deque<LoadedPlugin>& PluginRegistry::plugins() const noexcept { return impl_->plugins; }

const char* hostCxxRuntime() noexcept { return PIXSYNC_CXX_RUNTIME; }

fs::path defaultPluginDir() {
    // Plugins live in <libdir>/pixsync/plugins beside libpixsync itself, in the build tree and
    // after install alike; asking where this library was loaded from also serves programs
    // that embed libpixsync from anywhere.
    Dl_info info{};
    if (::dladdr(reinterpret_cast<void*>(&defaultPluginDir), &info) != 0 && info.dli_fname) {
        std::error_code ec;
        fs::path lib = fs::canonical(info.dli_fname, ec);
        if (!ec) return lib.parent_path() / "pixsync" / "plugins";
    }
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    return (exe.parent_path() / PIXSYNC_PLUGIN_DIR_FROM_BIN).lexically_normal();
}

std::vector<fs::path> pluginSearchPath(const std::vector<fs::path>& explicitDirs,
                                       const char* envPath) {
    std::vector<fs::path> candidates = explicitDirs;
    if (envPath && *envPath)
        for (const auto& part : split(envPath, ':'))
            if (!part.empty()) candidates.emplace_back(part);
    if (auto d = defaultPluginDir(); !d.empty()) candidates.push_back(d);
    std::vector<fs::path> out;
    for (const auto& c : candidates) {
        std::error_code ec;
        if (!fs::is_directory(c, ec)) continue;
        fs::path canon = fs::weakly_canonical(c, ec);
        if (std::find(out.begin(), out.end(), canon) == out.end()) out.push_back(canon);
    }
    return out;
}

const LoadedPlugin& PluginRegistry::accept(const PluginDescriptor* d, const fs::path& file) {
    const std::string where = file.string();
    if (d->abiMajor != kPluginAbiMajor || d->abiMinor > kPluginAbiMinor)
        throw pluginError(cat(where, ": plugin ABI version ", d->abiMajor, ".", d->abiMinor,
                              " found, expected ", kPluginAbiMajor, ".x with x <= ",
                              kPluginAbiMinor, " (rebuild the plugin against this pixsync)"));
    // From 2.5 a descriptor records its C++ standard library (null: not recorded). The C++
    // types crossing the boundary (std::string, std::vector, std::function) are laid out by
    // it, so a plugin built with another one loads fine and then crashes.
    if (d->abiMinor >= 5 && d->cxxRuntime) {
        const std::string_view plugin = d->cxxRuntime, host = hostCxxRuntime();
        const auto family = [](std::string_view runtime) {
            return runtime.substr(0, runtime.find(' '));
        };
        if (family(plugin) != family(host))
            throw pluginError(cat(where, ": built with the C++ standard library ", plugin,
                                  ", but pixsync uses ", host,
                                  "; their std::string and std::vector differ, so it would "
                                  "crash. Rebuild the plugin with ",
                                  family(host)));
    }
    const char* factory = nullptr;
    bool ok = false;
    switch (d->kind) {
        case PluginKind::Source:
            ok = d->createSource != nullptr;
            factory = "createSource";
            break;
        case PluginKind::Sink:
            ok = d->createSink != nullptr;
            factory = "createSink";
            break;
        case PluginKind::State:
            ok = d->createStateStore != nullptr;
            factory = "createStateStore";
            break;
        default:
            throw pluginError(cat(where, ": unknown plugin kind ",
                                  static_cast<std::uint32_t>(d->kind),
                                  " (expected source, sink or state)"));
    }
    if (!ok) throw pluginError(cat(where, ": ", toString(d->kind), " plugin without ", factory));
    if (!d->name || !*d->name) throw pluginError(where + ": plugin without a name");
    for (const auto& p : impl_->plugins)
        if (p.name() == d->name)
            throw pluginError(cat(where, ": duplicate plugin name '", d->name,
                                  "', already loaded from ", p.file.string()));
    impl_->plugins.push_back(LoadedPlugin{d, file});
    return impl_->plugins.back();
}

const LoadedPlugin& PluginRegistry::load(const fs::path& file) {
    ::dlerror();
    // RTLD_NODELETE: a plugin stays mapped until the process ends. Libraries it pulled in
    // (libvips) may have started threads that outlive every object the plugin made;
    // unmapping their code under them would crash the process at exit.
    void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!handle) {
        const char* err = ::dlerror();
        throw pluginError(
            cat(file.string(), ": cannot load: ", err ? err : "unknown dlopen error"));
    }
    auto lib = std::make_unique<Library>(handle);
    using Entry = const PluginDescriptor* (*)();
    void* sym = ::dlsym(handle, PIXSYNC_PLUGIN_ENTRY_SYMBOL);
    if (!sym)
        throw pluginError(cat(file.string(), ": not a pixsync plugin (no ",
                              PIXSYNC_PLUGIN_ENTRY_SYMBOL, " symbol)"));
    Entry entry;
    static_assert(sizeof entry == sizeof sym);
    std::memcpy(&entry, &sym, sizeof entry);  // POSIX guarantees this conversion works
    const PluginDescriptor* d = entry();
    if (!d) throw pluginError(file.string() + ": not a pixsync plugin (null descriptor)");
    const LoadedPlugin& loaded = accept(d, file);
    impl_->libraries.push_back(std::move(lib));
    return loaded;
}

void PluginRegistry::loadAll(const std::vector<fs::path>& dirs,
                             std::vector<std::string>* problems) {
    for (const auto& dir : dirs) {
        std::vector<fs::path> files;
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(dir, ec))
            if (entry.path().extension() == ".so") files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        for (const auto& f : files) {
            try {
                load(f);
            } catch (const Error& e) {
                if (problems) problems->push_back(e.what());
            }
        }
    }
}

const LoadedPlugin& PluginRegistry::add(const PluginDescriptor* descriptor, fs::path origin) {
    return accept(descriptor, origin);
}

void PluginRegistry::setSearchPath(std::vector<fs::path> dirs) {
    impl_->searchPath = std::move(dirs);
}

const LoadedPlugin* PluginRegistry::loaded(const std::string& name, PluginKind kind) const {
    for (const auto& p : impl_->plugins) {
        if (p.name() != name) continue;
        if (p.kind() != kind)
            throw pluginError(cat("plugin '", name, "' (", p.file.string(), ") is a ",
                                  toString(p.kind()), " plugin, but is configured as a ",
                                  toString(kind)));
        return &p;
    }
    return nullptr;
}

const LoadedPlugin& PluginRegistry::find(const std::string& name, PluginKind kind) {
    if (const auto* p = loaded(name, kind)) return *p;
    // By convention a plugin's file is named after it: try that before opening everything.
    for (const auto& dir : impl_->searchPath) {
        fs::path file = dir / ("pixsync-" + name + ".so");
        std::error_code ec;
        if (!fs::exists(file, ec)) continue;
        bool already = std::any_of(impl_->plugins.begin(), impl_->plugins.end(),
                                   [&](const LoadedPlugin& p) { return p.file == file; });
        if (!already) load(file);
        if (const auto* p = loaded(name, kind)) return *p;
    }
    std::vector<std::string> problems;
    for (const auto& dir : impl_->searchPath) {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            if (entry.path().extension() != ".so") continue;
            bool already =
                std::any_of(impl_->plugins.begin(), impl_->plugins.end(),
                            [&](const LoadedPlugin& p) { return p.file == entry.path(); });
            if (already) continue;
            try {
                load(entry.path());
            } catch (const Error& e) {
                problems.push_back(e.what());
            }
        }
    }
    if (const auto* p = loaded(name, kind)) return *p;
    std::vector<std::string> names;
    for (const auto& p : impl_->plugins)
        if (p.kind() == kind) names.push_back(p.name());
    std::vector<std::string> dirs;
    for (const auto& d : impl_->searchPath) dirs.push_back(d.string());
    throw pluginError(cat("no ", toString(kind), " plugin named '", name,
                          "' (available: ", names.empty() ? std::string("none") : join(names, ", "),
                          "; searched ", dirs.empty() ? std::string("nothing") : join(dirs, ":"),
                          "; see `pixsync plugins` and --plugin-dir)",
                          problems.empty() ? "" : "; refused: " + join(problems, "; ")));
}

}  // namespace pixsync
