#pragma once
// Enforces a deadline on a blocking socket. Socket timeouts bound each read or write, and
// OpenSSL reads a TLS record or a handshake through many of them, so a server that drips
// bytes could stretch one step without limit. At the deadline the watchdog shuts the socket
// down, which makes any call blocked on it return at once.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace pixsync::pixstar {

class SocketWatchdog {
  public:
    using Clock = std::chrono::steady_clock;

    SocketWatchdog();
    /// Stops the watchdog's thread.
    ~SocketWatchdog();
    SocketWatchdog(const SocketWatchdog&) = delete;
    SocketWatchdog& operator=(const SocketWatchdog&) = delete;

    /// Shuts `fd` down at `deadline` unless disarm() comes first. Replaces an earlier arm().
    void arm(int fd, Clock::time_point deadline);
    /// Cancels the deadline; once it returns, the watchdog no longer touches the socket.
    void disarm() noexcept;
    /// True when the last deadline passed and the socket was shut down.
    bool fired() const noexcept;

  private:
    void watch();

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    int fd_ = -1;
    Clock::time_point deadline_{};
    Clock::time_point sleepsUntil_ = Clock::time_point::min();  // when the thread wakes by itself
    bool fired_ = false;
    bool stop_ = false;
    std::thread thread_;  // last: started once the members above exist
};

/// Arms a watchdog for one step and disarms it when the step ends, however it ends.
class DeadlineGuard {
  public:
    DeadlineGuard(SocketWatchdog& watchdog, int fd, SocketWatchdog::Clock::time_point deadline)
        : watchdog_(watchdog) {
        watchdog_.arm(fd, deadline);
    }
    ~DeadlineGuard() { watchdog_.disarm(); }
    DeadlineGuard(const DeadlineGuard&) = delete;
    DeadlineGuard& operator=(const DeadlineGuard&) = delete;

  private:
    SocketWatchdog& watchdog_;
};

}  // namespace pixsync::pixstar
