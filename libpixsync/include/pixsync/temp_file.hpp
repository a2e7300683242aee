#pragma once
/// @file temp_file.hpp
/// A file that is deleted when its owner goes away.

#include <filesystem>
#include <string_view>

namespace pixsync {

/// An owned temporary file. Created empty with mode 0600 in `dir` (the system temporary
/// folder when empty); removed on destruction. Move-only.
class TempFile {
  public:
    TempFile() = default;
    /// Creates a new unique file; `suffix` (e.g. ".jpg") is appended to the random name.
    static TempFile create(const std::filesystem::path& dir = {}, std::string_view suffix = {});
    /// Takes charge of an existing file: it is removed when the TempFile is destroyed, unless
    /// release() gives it up first.
    static TempFile adopt(std::filesystem::path path) { return TempFile(std::move(path)); }

    TempFile(TempFile&& other) noexcept;
    TempFile& operator=(TempFile&& other) noexcept;
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile();

    /// The file's path; empty for a default-constructed TempFile.
    const std::filesystem::path& path() const noexcept { return path_; }
    /// Current size on disk.
    std::uintmax_t size() const;
    /// Gives up ownership: the file is no longer removed (after a rename, for example).
    std::filesystem::path release() noexcept;

  private:
    explicit TempFile(std::filesystem::path p) : path_(std::move(p)) {}
    void reset() noexcept;
    std::filesystem::path path_;
};

}  // namespace pixsync
