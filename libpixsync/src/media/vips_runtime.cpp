#include "media/vips_runtime.hpp"

#include <vips/vips.h>

#include <mutex>
#include <string>

#include "pixsync/error.hpp"

namespace pixsync::media {

void ensureVipsStarted() {
    static std::once_flag started;
    std::call_once(started, [] {
        if (VIPS_INIT("pixsync") != 0) {
            std::string reason = vips_error_buffer();
            vips_error_clear();
            throw Error(ErrorKind::Internal, "cannot start libvips: " + reason);
        }
        // Each file is converted once; caching decoded images would only hold memory.
        vips_cache_set_max(16);
        vips_cache_set_max_mem(32 * 1024 * 1024);
        vips_block_untrusted_set(TRUE);
    });
}

}  // namespace pixsync::media
