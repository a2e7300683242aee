#include "systemd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "pixsync/util/strings.hpp"

namespace pixsync::cli {

namespace {

std::string valueOf(const Environment& environment, const char* name) {
    const auto it = environment.find(name);
    return it == environment.end() ? std::string() : it->second;
}

}  // namespace

SystemdNotifier::SystemdNotifier(const Environment& environment)
    : socket_(valueOf(environment, "NOTIFY_SOCKET")) {
    const std::string usec = valueOf(environment, "WATCHDOG_USEC");
    const std::string pid = valueOf(environment, "WATCHDOG_PID");
    // WATCHDOG_PID names the process systemd watches; another one's watchdog is not ours.
    if (!usec.empty() && (pid.empty() || pid == std::to_string(::getpid()))) {
        // Pinged at half the interval, kept within 0.1 s and an hour: a value of 1 µs would
        // have the ping thread spin, one near 2^64 overflow the clock's arithmetic.
        errno = 0;
        char* end = nullptr;
        const unsigned long long value = std::strtoull(usec.c_str(), &end, 10);
        if (errno == 0 && end != usec.c_str() && *end == '\0' && value > 0 && usec[0] != '-') {
            constexpr unsigned long long kFloor = 100'000, kCeiling = 3'600'000'000;
            watchdogEvery_ = std::chrono::microseconds(std::clamp(value / 2, kFloor, kCeiling));
        }
    }
    // Children (the plugins' helper commands) must not talk to systemd as this service.
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("WATCHDOG_PID");
}

void SystemdNotifier::send(std::string_view message) const {
    if (socket_.empty() || socket_.size() >= sizeof(sockaddr_un::sun_path)) return;
    if (socket_[0] != '/' && socket_[0] != '@') return;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, socket_.data(), socket_.size());
    if (socket_[0] == '@') address.sun_path[0] = '\0';  // the abstract namespace
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_.size());
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return;
    (void)::sendto(fd, message.data(), message.size(), MSG_NOSIGNAL,
                   reinterpret_cast<const sockaddr*>(&address), length);
    ::close(fd);
}

void SystemdNotifier::ready(std::string_view status) const {
    send(cat("READY=1\nSTATUS=", status));
}

void SystemdNotifier::reloading() const {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    const long long usec = static_cast<long long>(now.tv_sec) * 1'000'000 + now.tv_nsec / 1000;
    send(cat("RELOADING=1\nMONOTONIC_USEC=", usec, "\nSTATUS=reloading the configuration"));
}

void SystemdNotifier::stopping() const { send("STOPPING=1\nSTATUS=stopping"); }

void SystemdNotifier::status(std::string_view line) const { send(cat("STATUS=", line)); }

void SystemdNotifier::watchdog() const { send("WATCHDOG=1"); }

WatchdogPings::WatchdogPings(const SystemdNotifier& notifier) {
    const auto every = notifier.watchdogEvery();
    if (!every) return;
    notifier.watchdog();
    thread_ = std::thread([this, &notifier, every] {
        std::unique_lock lock(mutex_);
        while (!wake_.wait_for(lock, *every, [this] { return stop_; })) notifier.watchdog();
    });
}

WatchdogPings::~WatchdogPings() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

}  // namespace pixsync::cli
