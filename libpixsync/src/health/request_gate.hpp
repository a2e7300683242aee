#pragma once
// The front door of the health port: accepts connections on one thread and hands a connection
// to the HTTP workers only once its whole request head has arrived.
//
// Poco's HTTP server gives each connection a worker thread as soon as it is accepted, and its
// timeout applies to each read: a client sending one header byte a second holds a worker for
// as long as it likes, and a few such clients starve /healthz. Here a connection waits
// without a thread, under a deadline for its whole request head and a size cap, in a bounded
// number of slots (when they are full, the oldest connection still sending its head gives
// way to a new one).

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <thread>

namespace pixsync {

/// Bounds of the health port.
struct RequestGateLimits {
    /// Time from accept until the request head ("...\r\n\r\n") is complete.
    std::chrono::milliseconds headDeadline{5000};
    /// Largest request head accepted.
    std::size_t maxHeadBytes = 8 * 1024;
    /// Connections waiting at once (for their request head, or for a worker).
    std::size_t slots = 256;
};

class RequestGate {
  public:
    /// Called on the gate's thread with a connection whose request head is complete; it must
    /// not block (it queues the connection for a worker). False when the workers' queue is
    /// full: the connection keeps waiting, within its deadline, and is offered again.
    using Ready = std::function<bool(const Poco::Net::StreamSocket&)>;

    /// Starts accepting on `listening` (already bound and listening).
    RequestGate(Poco::Net::ServerSocket listening, RequestGateLimits limits, Ready ready);
    /// Stops accepting and closes every waiting connection.
    ~RequestGate();
    RequestGate(const RequestGate&) = delete;
    RequestGate& operator=(const RequestGate&) = delete;

  private:
    using Clock = std::chrono::steady_clock;
    struct Waiting {
        Poco::Net::StreamSocket socket;
        Clock::time_point deadline;
        Clock::time_point nextLook;  ///< not looked at again before this time
        bool complete = false;       ///< its head is here; it waits for a worker
    };

    void loop();
    /// One wait for events and the work they bring.
    void round();
    void accept(Clock::time_point now);
    /// Looks at what has arrived; true when the connection is done with (handed on or closed).
    bool look(Waiting& w, Clock::time_point now);
    static void refuse(Poco::Net::StreamSocket& socket, const char* statusLine);

    Poco::Net::ServerSocket listening_;
    RequestGateLimits limits_;
    Ready ready_;
    std::list<Waiting> waiting_;  ///< oldest first
    Clock::time_point acceptPausedUntil_{};
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace pixsync
