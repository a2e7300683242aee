#include "pixsync/temp_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include "pixsync/error.hpp"

namespace pixsync {

TempFile TempFile::create(const std::filesystem::path& dir, std::string_view suffix) {
    std::filesystem::path base = dir.empty() ? std::filesystem::temp_directory_path() : dir;
    std::string pattern = (base / "pixsync-XXXXXX").string() + std::string(suffix);
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    // mkstemps creates the file with mode 0600, so downloaded photos are private.
    int fd = ::mkstemps(buf.data(), static_cast<int>(suffix.size()));
    if (fd < 0)
        throw Error(ErrorKind::Unavailable, "cannot create a temporary file in " + base.string() +
                                                ": " + std::strerror(errno));
    ::close(fd);
    return TempFile(std::filesystem::path(buf.data()));
}

TempFile::TempFile(TempFile&& other) noexcept : path_(other.release()) {}

TempFile& TempFile::operator=(TempFile&& other) noexcept {
    if (this != &other) {
        reset();
        path_ = other.release();
    }
    return *this;
}

TempFile::~TempFile() { reset(); }

std::uintmax_t TempFile::size() const { return std::filesystem::file_size(path_); }

std::filesystem::path TempFile::release() noexcept {
    std::filesystem::path p = std::move(path_);
    path_.clear();
    return p;
}

void TempFile::reset() noexcept {
    if (!path_.empty()) {
        std::error_code ec;
        std::filesystem::remove(path_, ec);
        path_.clear();
    }
}

}  // namespace pixsync
