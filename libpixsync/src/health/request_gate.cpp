#include "request_gate.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/Socket.h>
#include <sys/socket.h>

#include <algorithm>
#include <exception>
#include <string_view>
#include <vector>

namespace pixsync {

namespace {

/// A connection whose head is incomplete is looked at again after this pause: the bytes are
/// only peeked at (the HTTP worker reads them later), so the socket stays readable and
/// watching it without a pause would spin.
constexpr auto kLookAgain = std::chrono::milliseconds(50);
/// A complete request the workers had no room for is offered again after this pause.
constexpr auto kOfferAgain = std::chrono::milliseconds(10);
/// The longest the loop sleeps, so that stopping is noticed promptly.
constexpr auto kLongestWait = std::chrono::milliseconds(100);

/// Whether `bytes` hold a whole request head: a request line, after any white space before
/// it (which the HTTP server skips too: blank lines there must not pass for the blank line
/// that ends a head), then the blank line.
bool headComplete(std::string_view bytes) {
    const std::size_t start = bytes.find_first_not_of(" \t\r\n\v\f");
    if (start == std::string_view::npos) return false;
    bytes.remove_prefix(start);
    return bytes.find("\r\n\r\n") != std::string_view::npos ||
           bytes.find("\n\n") != std::string_view::npos;
}

}  // namespace

RequestGate::RequestGate(Poco::Net::ServerSocket listening, RequestGateLimits limits, Ready ready)
    : listening_(std::move(listening)), limits_(limits), ready_(std::move(ready)) {
    listening_.setBlocking(false);
    thread_ = std::thread([this] { loop(); });
}

RequestGate::~RequestGate() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
    for (auto& w : waiting_) w.socket.close();
}

void RequestGate::refuse(Poco::Net::StreamSocket& socket, const char* statusLine) {
    // Best effort and never blocking: the client may not be reading.
    try {
        socket.setBlocking(false);
        std::string reply =
            std::string(statusLine) + "\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";
        socket.sendBytes(reply.data(), static_cast<int>(reply.size()));
    } catch (const Poco::Exception&) {
    }
    try {
        socket.close();
    } catch (const Poco::Exception&) {
    }
}

void RequestGate::accept(Clock::time_point now) {
    // A bounded batch per round, so that a flood of connections cannot keep the loop from
    // the ones already waiting.
    for (int i = 0; i < 32; ++i) {
        Poco::Net::StreamSocket socket;
        try {
            socket = listening_.acceptConnection();
        } catch (const Poco::Exception&) {
            // Nothing more to accept; or, when even the first accept fails although the
            // socket was readable, no descriptor was left: wait before trying again.
            if (i == 0) acceptPausedUntil_ = now + kLookAgain;
            return;
        }
        if (waiting_.size() >= limits_.slots) {
            // The oldest connection still sending its head is the likeliest to be one that
            // never finishes; complete requests give way only when there is nothing else.
            auto victim = std::find_if(waiting_.begin(), waiting_.end(),
                                       [](const Waiting& w) { return !w.complete; });
            if (victim == waiting_.end()) victim = waiting_.begin();
            refuse(victim->socket, "HTTP/1.1 503 Service Unavailable");
            waiting_.erase(victim);
        }
        waiting_.push_back(Waiting{socket, now + limits_.headDeadline, now});
    }
}

bool RequestGate::look(Waiting& w, Clock::time_point now) {
    std::vector<char> buffer(limits_.maxHeadBytes);
    int n = 0;
    try {
        n = w.socket.receiveBytes(buffer.data(), static_cast<int>(buffer.size()), MSG_PEEK);
    } catch (const Poco::Exception&) {
        w.socket.close();
        return true;
    }
    if (n <= 0) {  // closed by the client
        w.socket.close();
        return true;
    }
    if (headComplete(std::string_view(buffer.data(), static_cast<std::size_t>(n)))) {
        try {
            if (!ready_(w.socket)) {
                w.complete = true;
                w.nextLook = now + kOfferAgain;
                return false;
            }
        } catch (const std::exception&) {
            w.socket.close();  // no worker could take it; the client may try again
        }
        return true;
    }
    if (static_cast<std::size_t>(n) >= limits_.maxHeadBytes) {
        refuse(w.socket, "HTTP/1.1 431 Request Header Fields Too Large");
        return true;
    }
    w.nextLook = now + kLookAgain;
    return false;
}

void RequestGate::loop() {
    while (!stopping_) {
        try {
            round();
        } catch (const std::exception&) {
            // Whatever went wrong (select() interrupted, no memory), the gate keeps serving
            // and never takes the daemon down with it; the pause keeps a lasting fault from
            // spinning.
            std::this_thread::sleep_for(kLookAgain);
        }
    }
}

void RequestGate::round() {
    auto now = Clock::now();
    // Time out connections whose head did not arrive in time.
    for (auto it = waiting_.begin(); it != waiting_.end();) {
        if (it->deadline <= now) {
            refuse(it->socket, "HTTP/1.1 408 Request Timeout");
            it = waiting_.erase(it);
        } else {
            ++it;
        }
    }

    Poco::Net::Socket::SocketList readable;
    auto wake = now + kLongestWait;
    if (acceptPausedUntil_ <= now)
        readable.push_back(listening_);
    else
        wake = std::min(wake, acceptPausedUntil_);
    for (const auto& w : waiting_) {
        wake = std::min(wake, w.deadline);
        if (w.nextLook <= now)
            readable.push_back(w.socket);
        else
            wake = std::min(wake, w.nextLook);
    }
    if (readable.empty()) {  // Poco's select() would return at once
        std::this_thread::sleep_until(wake);
        return;
    }
    Poco::Net::Socket::SocketList writable, failed;
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(wake - now).count();
    Poco::Net::Socket::select(readable, writable, failed,
                              Poco::Timespan(std::max<long long>(micros, 0)));

    now = Clock::now();
    for (const auto& socket : readable) {
        if (socket == listening_) continue;
        auto it = std::find_if(waiting_.begin(), waiting_.end(),
                               [&](const Waiting& w) { return w.socket == socket; });
        if (it != waiting_.end() && look(*it, now)) waiting_.erase(it);
    }
    if (std::find(readable.begin(), readable.end(), listening_) != readable.end()) accept(now);
}

}  // namespace pixsync
