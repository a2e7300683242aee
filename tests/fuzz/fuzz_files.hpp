#pragma once
// For fuzz targets whose parser reads a file: one private folder per process, removed at
// exit, and the input written into it before each run.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace pixsync::fuzz {

/// A folder of its own under the temporary folder, for the life of the process.
class FuzzFolder {
  public:
    FuzzFolder() {
        std::string pattern = (base() / "pixsync-fuzz-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) std::abort();
        path_ = pattern;
    }
    ~FuzzFolder() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    FuzzFolder(const FuzzFolder&) = delete;
    FuzzFolder& operator=(const FuzzFolder&) = delete;

    const std::filesystem::path& path() const { return path_; }

    /// Writes the fuzzer's bytes to `name` in the folder and returns its path.
    std::filesystem::path write(const std::string& name, const std::uint8_t* data,
                                std::size_t size) const {
        const auto file = path_ / name;
        std::ofstream(file, std::ios::binary | std::ios::trunc)
            .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
        return file;
    }

  private:
    /// $TMPDIR when set, else /dev/shm when there is one: in memory, writing the input runs
    /// about 50 times faster than on a disk.
    static std::filesystem::path base() {
        std::error_code ec;
        if (std::getenv("TMPDIR") == nullptr && std::filesystem::is_directory("/dev/shm", ec) &&
            ::access("/dev/shm", W_OK) == 0)
            return "/dev/shm";
        return std::filesystem::temp_directory_path();
    }

    std::filesystem::path path_;
};

/// The process's folder (made on first use, removed when the fuzzer exits).
inline const FuzzFolder& folder() {
    static const FuzzFolder instance;
    return instance;
}

}  // namespace pixsync::fuzz
