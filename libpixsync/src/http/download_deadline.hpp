#pragma once
// The overall deadline of one download: a fixed allowance plus the time the expected size
// takes at the slowest acceptable average speed. A server that drips bytes cannot hold a
// download (and with it every route) for hours.

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace pixsync::http {

class DownloadDeadline {
  public:
    using Clock = std::chrono::steady_clock;

    /// `allowance`: the fixed part; `minBytesPerSecond`: the slowest average (0: no deadline);
    /// `expectedBytes`: the size reported before the download (0: unknown).
    DownloadDeadline(std::chrono::seconds allowance, std::uint64_t minBytesPerSecond,
                     std::uint64_t expectedBytes)
        : allowance_(allowance), minSpeed_(minBytesPerSecond), expected_(expectedBytes) {}

    /// The server announced a size: the smaller report counts, so an inflated Content-Length
    /// cannot buy a slow server more time than the size Immich listed.
    void announced(std::uint64_t bytes) noexcept {
        if (bytes > 0) expected_ = expected_ == 0 ? bytes : std::min(expected_, bytes);
    }

    /// True once a download that has received `received` bytes so far ran out of time.
    /// Bytes that did arrive extend the deadline, so a real file larger than reported passes
    /// as long as its average speed holds.
    bool passed(std::uint64_t received, Clock::time_point now) const noexcept {
        if (minSpeed_ == 0) return false;
        return now - start_ > allowed(received);
    }

    /// Time allowed for a download that has received `received` bytes.
    std::chrono::milliseconds allowed(std::uint64_t received) const noexcept {
        const std::uint64_t size = std::max(expected_, received);
        return allowance_ +
               std::chrono::milliseconds(size * 1000 / std::max<std::uint64_t>(minSpeed_, 1));
    }

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
