#include "progress.hpp"

#include <cstdio>

#include "pixsync/util/strings.hpp"

namespace pixsync::cli {

std::string shortDuration(std::chrono::seconds s) {
    const long long t = s.count();
    char buf[32];
    if (t < 60)
        std::snprintf(buf, sizeof buf, "%llds", t);
    else if (t < 3600)
        std::snprintf(buf, sizeof buf, "%lldm%02llds", t / 60, t % 60);
    else
        std::snprintf(buf, sizeof buf, "%lldh%02lldm", t / 3600, (t % 3600) / 60);
    return buf;
}

Progress::Progress(Logger log, std::shared_ptr<Terminal> terminal, std::string what)
    : log_(std::move(log)),
      terminal_(std::move(terminal)),
      what_(std::move(what)),
      started_(std::chrono::steady_clock::now()),
      lastLog_(started_),
      lastDraw_() {}

std::string Progress::eta(std::uint64_t done, std::uint64_t total) const {
    const auto elapsed = std::chrono::steady_clock::now() - started_;
    if (done == 0 || total <= done) return "";
    const auto left = elapsed * static_cast<double>(total - done) / static_cast<double>(done);
    return " ETA " + shortDuration(std::chrono::ceil<std::chrono::seconds>(left));
}

void Progress::update(std::uint64_t done, std::uint64_t total) {
    if (total > 0 && done > total) total = done;  // more became due while the pass ran
    auto now = std::chrono::steady_clock::now();
    if (terminal_ && terminal_->interactive() &&
        (now - lastDraw_ > std::chrono::milliseconds(100) || done == total)) {
        lastDraw_ = now;
        if (total > 0) {
            constexpr std::uint64_t kWidth = 30;
            const std::uint64_t filled = kWidth * done / total;
            terminal_->showStatus(cat(what_, " [", std::string(filled, '#'),
                                      std::string(kWidth - filled, ' '), "] ", done, "/", total,
                                      eta(done, total)));
        } else {
            terminal_->showStatus(cat(what_, ": ", done));
        }
    }
    if (now - lastLog_ >= std::chrono::seconds(10)) {
        lastLog_ = now;
        log_.info(total ? cat(what_, ": ", done, " of ", total, eta(done, total))
                        : cat(what_, ": ", done, " so far"));
    }
}

void Progress::finish() {
    if (terminal_) terminal_->endStatus();
}

}  // namespace pixsync::cli
