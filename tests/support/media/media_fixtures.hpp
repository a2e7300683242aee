#pragma once
// Test helper: the generated media fixtures (see make_fixtures.py) and a way to hand one to
// code that takes a MediaFile. Header-only so any test target can include it.

#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "pixsync/media_file.hpp"
#include "pixsync/temp_file.hpp"
#include "test_support.hpp"

namespace pixsync::test {

/// The folder holding the media fixtures. They are generated once into the build tree (ctest
/// runs each test in its own process, and generating takes seconds) and regenerated when the
/// generator script changes; concurrent first users each generate and one rename wins.
inline const std::filesystem::path& mediaFixtures() {
    namespace fs = std::filesystem;
    static const fs::path dir = [] {
        const fs::path script = supportDir() / "media" / "make_fixtures.py";
        const auto stamp = fs::last_write_time(script).time_since_epoch().count();
        const fs::path target = fs::path(PIXSYNC_TEST_BINARY_DIR) / "test-media" /
                                ("fixtures-" + std::to_string(stamp));
        if (fs::exists(target)) return target;
        fs::create_directories(target.parent_path());
        const fs::path scratch = target.string() + ".tmp-" + std::to_string(::getpid());
        const auto result = run({python(), script.string(), scratch.string()}, {}, {}, 300);
        if (result.exitCode != 0)
            throw std::runtime_error("make_fixtures.py failed: " + result.err);
        std::error_code ec;
        fs::rename(scratch, target, ec);
        if (ec) fs::remove_all(scratch, ec);  // another process finished first
        return target;
    }();
    return dir;
}

/// A MediaFile holding a copy of `source` (a MediaFile deletes its file when done).
inline MediaFile mediaCopyOf(const std::filesystem::path& source, const std::string& mimeType,
                             const std::filesystem::path& tempDir = {}) {
    MediaFile media;
    media.file = TempFile::create(tempDir, source.extension().string());
    std::filesystem::copy_file(source, media.file.path(),
                               std::filesystem::copy_options::overwrite_existing);
    media.mimeType = mimeType;
    media.size = std::filesystem::file_size(source);
    return media;
}

/// A MediaFile holding a copy of fixture `name`.
inline MediaFile fixtureMedia(const std::string& name, const std::string& mimeType,
                              const std::filesystem::path& tempDir = {}) {
    return mediaCopyOf(mediaFixtures() / name, mimeType, tempDir);
}

}  // namespace pixsync::test
