#include "socket_watchdog.hpp"

#include <sys/socket.h>

namespace pixsync::pixstar {

SocketWatchdog::SocketWatchdog() : thread_([this] { watch(); }) {}

SocketWatchdog::~SocketWatchdog() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void SocketWatchdog::arm(int fd, Clock::time_point deadline) {
    bool sooner = false;
    {
        std::lock_guard lock(mutex_);
        fd_ = fd;
        deadline_ = deadline;
        fired_ = false;
        sooner = deadline < sleepsUntil_;
    }
    // Steps come one after another with later deadlines: the thread, still asleep until an
    // earlier one, finds the new deadline when it wakes. Waking it for every step would cost
    // a context switch per SMTP command.
    if (sooner) wake_.notify_all();
}

void SocketWatchdog::disarm() noexcept {
    std::lock_guard lock(mutex_);  // the watchdog shuts a socket down only while holding it
    fd_ = -1;
}

bool SocketWatchdog::fired() const noexcept {
    std::lock_guard lock(mutex_);
    return fired_;
}

void SocketWatchdog::watch() {
    std::unique_lock lock(mutex_);
    while (!stop_) {
        if (fd_ < 0) {
            sleepsUntil_ = Clock::time_point::max();
            wake_.wait(lock);
        } else if (Clock::now() < deadline_) {
            sleepsUntil_ = deadline_;
            wake_.wait_until(lock, deadline_);
        } else {
            ::shutdown(fd_, SHUT_RDWR);
            fired_ = true;
            fd_ = -1;
        }
    }
}

}  // namespace pixsync::pixstar
