#pragma once
// Tells systemd what the daemon is doing (sd_notify's documented datagram protocol), so a
// `Type=notify` unit knows when pixsync is ready, reloading or stopping, shows a one-line
// status, and can restart a daemon that stops answering its watchdog.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "pixsync/host/config.hpp"

namespace pixsync::cli {

class SystemdNotifier {
  public:
    /// True when started by systemd with a notify socket.
    bool enabled() const { return !socket_.empty(); }

    /// Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID from `environment`; without
    /// NOTIFY_SOCKET (not started by systemd) every call does nothing.
    explicit SystemdNotifier(const Environment& environment);

    /// Sends one message ("READY=1", "STATUS=...", several lines at once). Errors are
    /// ignored: systemd going away must not stop the daemon.
    void send(std::string_view message) const;

    void ready(std::string_view status) const;
    /// RELOADING=1 with the monotonic time systemd ≥ 253 asks for.
    void reloading() const;
    void stopping() const;
    void status(std::string_view line) const;
    void watchdog() const;

    /// How often to send WATCHDOG=1 (half of WATCHDOG_USEC), when systemd watches this process.
    std::optional<std::chrono::microseconds> watchdogEvery() const { return watchdogEvery_; }

  private:
    std::string socket_;
    std::optional<std::chrono::microseconds> watchdogEvery_;
};

/// Sends WATCHDOG=1 at the notifier's rate on a thread of its own for as long as it lives:
/// the process is alive and scheduled. (Each call a pass makes has its own time bound, so a
/// pass cannot hang without this process noticing.)
class WatchdogPings {
  public:
    explicit WatchdogPings(const SystemdNotifier& notifier);
    ~WatchdogPings();
    WatchdogPings(const WatchdogPings&) = delete;
    WatchdogPings& operator=(const WatchdogPings&) = delete;

  private:
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace pixsync::cli
