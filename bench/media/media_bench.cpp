// Times the media transform on a photo against the `vipsthumbnail` command.
//
//   pixsync-bench-media convert IN OUT           one transform (what the timing runs)
//   pixsync-bench-media compare FILE [RUNS]      both tools as whole processes, RUNS each
//
// Both sides are timed as whole processes (start-up, libvips init, decode, resize, encode,
// exit), alternating, so neither gets a warmer cache. The transform runs with the default
// frame profile (1024x768, quality 85); vipsthumbnail gets the same box, quality and strip,
// and its defaults otherwise: like pixsync, no colour transform for a photo without an ICC
// profile (with --export-profile it would spend a fifth more CPU on an sRGB-to-sRGB pass).

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "pixsync/error.hpp"
#include "pixsync/media_transform.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string mimeFor(const fs::path& file) {
    const std::string ext = file.extension().string();
    if (ext == ".heic" || ext == ".HEIC") return "image/heic";
    if (ext == ".png") return "image/png";
    return "image/jpeg";
}

int convert(const fs::path& in, const fs::path& out) {
    pixsync::MediaFile media;
    media.file = pixsync::TempFile::create(out.parent_path(), in.extension().string());
    fs::copy_file(in, media.file.path(), fs::copy_options::overwrite_existing);
    media.mimeType = mimeFor(in);
    const pixsync::FrameMedia result =
        pixsync::prepareForFrame(media, pixsync::FrameProfile{}, out.parent_path());
    fs::copy_file(result.path, out, fs::copy_options::overwrite_existing);
    return 0;
}

/// Runs a program and returns its wall time in milliseconds (negative on failure).
double timeProcess(std::vector<std::string> argv) {
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    const auto start = Clock::now();
    pid_t pid = 0;
    if (posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) return -1;
    int status = 0;
    ::waitpid(pid, &status, 0);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? ms : -1;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

int compare(const std::string& self, const fs::path& file, int runs) {
    const fs::path work =
        fs::temp_directory_path() / ("pixsync-bench-media-" + std::to_string(::getpid()));
    fs::create_directories(work);
    std::vector<double> ours, theirs;
    for (int i = 0; i < runs; ++i) {
        ours.push_back(timeProcess({self, "convert", file.string(), (work / "ours.jpg").string()}));
        theirs.push_back(
            timeProcess({"vipsthumbnail", file.string(), "--size", "1024x768>", "-o",
                         (work / "theirs.jpg").string() + "[Q=85,strip,optimize_coding]"}));
        if (ours.back() < 0 || theirs.back() < 0) {
            std::fprintf(stderr, "a run failed (file %s)\n", file.c_str());
            fs::remove_all(work);
            return 1;
        }
    }
    fs::remove_all(work);
    const double a = median(ours), b = median(theirs);
    std::printf(
        "%-28s runs=%d  pixsync transform %.1f ms  vipsthumbnail %.1f ms  ratio %.2fx (median, "
        "whole processes)\n",
        file.filename().c_str(), runs, a, b, a / b);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const std::string mode = argc > 1 ? argv[1] : "";
        if (mode == "convert" && argc == 4) return convert(argv[2], argv[3]);
        if (mode == "compare" && argc >= 3)
            return compare(argv[0], argv[2], argc > 3 ? std::stoi(argv[3]) : 15);
        std::fprintf(stderr, "usage: %s convert IN OUT | compare FILE [RUNS]\n", argv[0]);
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
