#include "config_file.hpp"

#include <system_error>

#include "pixsync/error.hpp"
#include "pixsync/host/config.hpp"
#include "pixsync/util/small_file.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync {

using config_detail::kMaxConfigFileBytes;

std::string readConfigFile(const std::filesystem::path& file) {
    try {
        return readSmallFile(file, kMaxConfigFileBytes);
    } catch (const std::system_error& e) {
        if (e.code() == std::errc::file_too_large)
            throw configError(cat(file.string(), ": more than ",
                                  kMaxConfigFileBytes / (1024 * 1024),
                                  " MiB, which is no configuration file; check the path"));
        throw configError(cat(file.string(), ": cannot read: ", e.code().message()));
    }
}

}  // namespace pixsync
