#include "media_library.hpp"

#include <dlfcn.h>

#include "pixsync/error.hpp"
#include "pixsync/host/plugin_registry.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::cli {

namespace {

void* load(const std::string& purpose) {
    // Beside libpixsync first, by full path: a bare name is searched with the RUNPATH of
    // whoever calls dlopen, which under a sanitizer is the sanitizer's runtime.
    const auto besideCore = defaultPluginDir().parent_path().parent_path() / PIXSYNC_MEDIA_LIBRARY;
    if (void* media = ::dlopen(besideCore.c_str(), RTLD_NOW | RTLD_LOCAL)) return media;
    if (void* media = ::dlopen(PIXSYNC_MEDIA_LIBRARY, RTLD_NOW | RTLD_LOCAL)) return media;
    const char* why = ::dlerror();
    throw Error(ErrorKind::Internal,
                cat("cannot load ", PIXSYNC_MEDIA_LIBRARY, " ", purpose, " (",
                    why ? why : "unknown reason", "); is pixsync installed completely?"));
}

}  // namespace

void* mediaSymbol(const char* name, const std::string& purpose) {
    static void* const media = load(purpose);  // never closed: what it made may outlive us
    void* symbol = ::dlsym(media, name);
    if (!symbol)
        throw Error(ErrorKind::Internal,
                    cat(PIXSYNC_MEDIA_LIBRARY, " has no ", name, " (", purpose, ")"));
    return symbol;
}

}  // namespace pixsync::cli
