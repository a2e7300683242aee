#include "smtp_connection.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailStream.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <sys/socket.h>

#include <cstdio>
#include <exception>
#include <ostream>
#include <streambuf>

#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::pixstar {

namespace {

std::string reasonOf(const Poco::Exception& e) {
    std::string text = e.displayText();
    for (auto& c : text)
        if (c == '\r' || c == '\n') c = ' ';
    return trim(text);
}

/// The socket as a stream buffer that keeps the first write failure, so that the caller can
/// name it (a std::ostream would replace it with "iostream error").
class SocketWriter : public std::streambuf {
  public:
    explicit SocketWriter(Poco::Net::StreamSocket& socket) : socket_(socket) {
        setp(buffer_, buffer_ + sizeof buffer_);
    }
    /// The exception of the first failed write, or null.
    std::exception_ptr failure() const { return failure_; }

  protected:
    int_type overflow(int_type c) override {
        if (!flush()) return traits_type::eof();
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(c);
            pbump(1);
        }
        return traits_type::not_eof(c);
    }
    int sync() override { return flush() ? 0 : -1; }

  private:
    bool flush() {
        if (failure_) return false;
        const char* data = pbase();
        auto left = static_cast<int>(pptr() - pbase());
        try {
            while (left > 0) {
                const int sent = socket_.sendBytes(data, left);
                if (sent <= 0) throw Poco::Net::NetException("the server closed the connection");
                data += sent;
                left -= sent;
            }
        } catch (...) {
            failure_ = std::current_exception();
            return false;
        }
        setp(buffer_, buffer_ + sizeof buffer_);
        return true;
    }

    Poco::Net::StreamSocket& socket_;
    std::exception_ptr failure_;
    char buffer_[16 * 1024];
};

}  // namespace

SmtpConnection::SmtpConnection(const SmtpSettings& settings)
    : where_(settings.endpoint()),
      stepTimeout_(settings.timeout),
      timeoutKey_(settings.key("smtp_timeout_seconds")),
      addressKeys_(cat(settings.key("smtp_host"), " and ", settings.key("smtp_port"))) {}

SmtpConnection::~SmtpConnection() { close(); }

void SmtpConnection::close() noexcept {
    try {
        socket_.close();
    } catch (...) {
        // Closing a broken TLS connection may fail; the descriptor is released either way.
    }
    fd_ = -1;
}

void SmtpConnection::abort() noexcept {
    // A failed connection is not closed politely: a TLS close would write to a server that
    // may not read any more.
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
    close();
}

std::string SmtpConnection::seconds(Clock::duration d) const {
    char text[32];
    std::snprintf(text, sizeof text, "%.0f s", std::chrono::duration<double>(d).count());
    return text;
}

void SmtpConnection::connect(const std::string& host, int port) {
    const Poco::Timespan timeout(static_cast<long>(stepTimeout_.count()), 0);
    const Poco::Net::SocketAddress address(host, static_cast<Poco::UInt16>(port));
    socket_.connect(address, timeout);
    // Each read and write gives up after the step timeout; the watchdog bounds whole steps.
    socket_.setReceiveTimeout(timeout);
    socket_.setSendTimeout(timeout);
    fd_ = socket_.impl()->sockfd();
}

void SmtpConnection::startTls(const std::string& host, TlsContext& tls) {
    stepBytes_ = 0;
    tls.clearRefusal();
    const auto started = Clock::now();
    try {
        DeadlineGuard guard(watchdog_, fd_, started + stepTimeout_);
        Poco::Net::SecureStreamSocket secure =
            Poco::Net::SecureStreamSocket::attach(socket_, host, tls.context());
        secure.completeHandshake();
        socket_ = secure;
    } catch (const Poco::Exception& e) {
        if (watchdog_.fired() || dynamic_cast<const Poco::TimeoutException*>(&e))
            throw StepTimedOut(cat("the TLS handshake with ", where_, " did not finish within ",
                                   seconds(stepTimeout_), cat(" (", timeoutKey_, ")")),
                               0);
        throw TlsFailed(reasonOf(e), tls.refusal());
    }
    encrypted_ = true;
    unread_.clear();
}

void SmtpConnection::timedOut(const std::string& what) {
    abort();
    throw StepTimedOut(cat("no complete ", what, " from ", where_, " within ",
                           seconds(stepTimeout_), cat(" (", timeoutKey_, "): "),
                           stepBytes_ == 0 ? std::string("it sent nothing")
                                           : cat("it sent only ", stepBytes_, " bytes")),
                       stepBytes_);
}

void SmtpConnection::lost(const std::string& what, const std::string& reason) {
    if (watchdog_.fired()) timedOut(what);
    abort();
    throw ConnectionLost(
        cat("connection to ", where_, " lost while waiting for the ", what, ": ", reason));
}

SmtpReply SmtpConnection::reply(const std::string& what) {
    stepBytes_ = 0;
    DeadlineGuard guard(watchdog_, fd_, Clock::now() + stepTimeout_);
    try {
        for (;;) {
            if (!unread_.empty()) {
                const std::size_t used = parser_.feed(unread_);
                unread_.erase(0, used);
                if (parser_.complete()) return parser_.take();
            }
            char buffer[4096];
            const int n = socket_.receiveBytes(buffer, sizeof buffer);
            if (n <= 0) lost(what, "the server closed the connection");
            stepBytes_ += static_cast<std::size_t>(n);
            unread_.assign(buffer, static_cast<std::size_t>(n));
        }
    } catch (const Error& e) {
        abort();
        throw unavailableError(cat(where_, " sent ", e.what(), " as its ", what, "; check that ",
                                   addressKeys_, " name an SMTP server"));
    } catch (const Poco::TimeoutException&) {
        timedOut(what);  // a read gave up after the step timeout
    } catch (const Poco::Exception& e) {
        lost(what, reasonOf(e));
    }
}

void SmtpConnection::requireNothingPending(const std::string& name) {
    // SMTP without pipelining: the server speaks only in answer to a command. Bytes already
    // there before one is written would be taken for its reply, and every reply after it
    // for the one before (a 250 after the 354 read as the message's acceptance).
    std::string pending = unread_;
    try {
        if (pending.empty() && socket_.available() > 0) {
            char buffer[256];
            const int n = socket_.receiveBytes(buffer, sizeof buffer);
            if (n > 0) pending.assign(buffer, static_cast<std::size_t>(n));
        }
    } catch (const Poco::Exception&) {
        return;  // the write or the reply meets the broken connection and says so
    }
    if (pending.empty()) return;
    abort();
    throw unavailableError(cat(where_, " sent \"", escapeControl(pending.substr(0, 120)),
                               "\" before pixsync's ", name,
                               ": a reply out of turn, which would be taken for the next one; "
                               "the connection was dropped"));
}

void SmtpConnection::sendLine(const std::string& line, const std::string& name) {
    requireNothingPending(name);
    const std::string data = line + "\r\n";
    DeadlineGuard guard(watchdog_, fd_, Clock::now() + stepTimeout_);
    try {
        socket_.sendBytes(data.data(), static_cast<int>(data.size()));
    } catch (const Poco::Exception& e) {
        abort();
        if (watchdog_.fired() || dynamic_cast<const Poco::TimeoutException*>(&e))
            throw StepTimedOut(cat(where_, " did not take the ", name, " command within ",
                                   seconds(stepTimeout_), cat(" (", timeoutKey_, ")")),
                               0);
        throw ConnectionLost(
            cat("connection to ", where_, " lost while sending ", name, ": ", reasonOf(e)));
    }
}

SmtpReply SmtpConnection::command(const std::string& line, const std::string& name) {
    sendLine(line, name);
    return reply("reply to " + name);
}

void SmtpConnection::sendMessage(const Poco::Net::MailMessage& message, std::uint64_t bytes) {
    requireNothingPending("message");
    const auto allowed = stepTimeout_ + std::chrono::seconds(bytes / kMinSendBytesPerSecond);
    DeadlineGuard guard(watchdog_, fd_, Clock::now() + allowed);
    std::string reason;
    bool timedOut = false;
    try {
        SocketWriter writer(socket_);
        std::ostream socketStream(&writer);
        Poco::Net::MailOutputStream mailStream(socketStream);
        message.write(mailStream);
        mailStream.close();
        socketStream.flush();
        if (writer.failure()) std::rethrow_exception(writer.failure());
        if (!socketStream || !mailStream)
            throw Poco::Net::NetException("the message could not be written");
        return;
    } catch (const Poco::TimeoutException&) {
        timedOut = true;
    } catch (const Poco::Exception& e) {
        reason = reasonOf(e);
    }
    abort();
    if (timedOut || watchdog_.fired())
        throw StepTimedOut(cat(where_, " did not take the ", humanBytes(bytes), " message within ",
                               seconds(allowed), " (", seconds(stepTimeout_), " plus ",
                               kMinSendBytesPerSecond / 1024, " KiB/s)"),
                           0);
    throw ConnectionLost(
        cat("connection to ", where_, " lost while sending the message: ", reason));
}

}  // namespace pixsync::pixstar
