#pragma once
// The overall deadline of one download: a fixed allowance plus the time the bytes received
// so far take at the slowest acceptable average speed. Only bytes that arrived buy time: a
// size the server announces (or one missing from a source's listing) buys none, so a server
// that drips cannot hold a download (and with it every route) much past the allowance.

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace pixsync::http {

class DownloadDeadline {
  public:
    using Clock = std::chrono::steady_clock;

    /// `allowance`: the fixed part; `minBytesPerSecond`: the slowest average (0: no deadline);
    /// `expectedBytes`: the size reported before the download (0: unknown), for messages.
    DownloadDeadline(std::chrono::seconds allowance, std::uint64_t minBytesPerSecond,
                     std::uint64_t expectedBytes)
        : allowance_(allowance), minSpeed_(minBytesPerSecond), expected_(expectedBytes) {}

    /// The server announced a size (kept for messages; the smaller report counts).
    void announced(std::uint64_t bytes) noexcept {
        if (bytes > 0) expected_ = expected_ == 0 ? bytes : std::min(expected_, bytes);
    }

    /// True once a download that has received `received` bytes so far ran out of time: its
    /// average speed after the allowance fell below the minimum.
    bool passed(std::uint64_t received, Clock::time_point now) const noexcept {
        if (minSpeed_ == 0) return false;
        return now - start_ > allowed(received);
    }

    /// Time allowed for a download that has received `received` bytes.
    std::chrono::milliseconds allowed(std::uint64_t received) const noexcept {
        return allowance_ +
               std::chrono::milliseconds(received * 1000 / std::max<std::uint64_t>(minSpeed_, 1));
    }

    /// The size reported before or at the start of the download (0: unknown).
    std::uint64_t expected() const noexcept { return expected_; }

    /// Time since the download started.
    std::chrono::milliseconds elapsed(Clock::time_point now) const noexcept {
        return std::chrono::duration_cast<std::chrono::milliseconds>(now - start_);
    }

    std::uint64_t minBytesPerSecond() const noexcept { return minSpeed_; }
    std::chrono::seconds allowance() const noexcept { return allowance_; }

  private:
    std::chrono::seconds allowance_;
    std::uint64_t minSpeed_;
    std::uint64_t expected_;
    Clock::time_point start_ = Clock::now();
};

}  // namespace pixsync::http
