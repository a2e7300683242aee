#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

#include "pixsync/strings.hpp"

namespace pixsync::cli {

Progress::Progress(Logger log, std::string what)
    : log_(std::move(log)), what_(std::move(what)), terminal_(::isatty(STDERR_FILENO) == 1),
      lastLog_(std::chrono::steady_clock::now()), lastDraw_() {}

void Progress::update(std::uint64_t done, std::uint64_t total) {
    auto now = std::chrono::steady_clock::now();
    if (terminal_ && (now - lastDraw_ > std::chrono::milliseconds(100) || done == total)) {
        lastDraw_ = now;
        drawn_ = true;
        if (total > 0) {
            constexpr int kWidth = 30;
            int filled = static_cast<int>(kWidth * done / total);
            std::fprintf(stderr, "\r%s [%.*s%*s] %llu/%llu", what_.c_str(), filled,
                         "##############################", kWidth - filled, "",
                         static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
        } else {
            std::fprintf(stderr, "\r%s: %llu", what_.c_str(), static_cast<unsigned long long>(done));
        }
        std::fflush(stderr);
    }
    if (now - lastLog_ >= std::chrono::seconds(10)) {
        lastLog_ = now;
        log_.info(total ? cat(what_, ": ", done, " of ", total) : cat(what_, ": ", done, " so far"));
    }
}

void Progress::finish() {
    if (drawn_) std::fputc('\n', stderr);
    drawn_ = false;
}

}  // namespace pixsync::cli
