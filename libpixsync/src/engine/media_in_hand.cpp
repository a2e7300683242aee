#include "media_in_hand.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <system_error>

#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync {

MediaInHand MediaInHand::inPlace(const LocalMedia& local) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto status = fs::status(local.path, ec);
    if (ec || !fs::is_regular_file(status))
        throw mediaError(cat(local.path.string(), ": ", ec ? ec.message() : "not a regular file"));
    // Readable now, so a sink's failure to open it is not mistaken for the sink's fault.
    const int fd = ::open(local.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw mediaError(cat(local.path.string(), ": ",
                             std::error_code(errno, std::generic_category()).message()));
    ::close(fd);
    MediaFile media;
    media.size = fs::file_size(local.path, ec);
    if (ec) throw mediaError(cat(local.path.string(), ": ", ec.message()));
    media.mimeType = local.mimeType;
    media.file = TempFile::adopt(local.path);
    return MediaInHand(std::move(media), true);
}

}  // namespace pixsync
