#pragma once
// One connection to an SMTP server at the level of bytes: TCP, the TLS handshake, commands
// out, replies in (through SmtpReplyParser), the message streamed. Each step has a deadline
// that holds however the server sends its bytes, so a dripping or silent server costs at
// most the step's time, and an endless reply at most the parser's caps.

#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "settings.hpp"
#include "smtp_reply.hpp"
#include "smtp_reply_parser.hpp"
#include "socket_watchdog.hpp"
#include "tls_context.hpp"

namespace Poco::Net {
class MailMessage;
}

namespace pixsync::pixstar {

/// The connection broke (or the server said 421 and closed it) before the message was
/// settled; the message may be sent again on a new connection.
class ConnectionLost : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// A step did not finish within its deadline; the connection is unusable.
class StepTimedOut : public ConnectionLost {
  public:
    StepTimedOut(const std::string& message, std::size_t bytesReceived)
        : ConnectionLost(message), bytesReceived_(bytesReceived) {}
    /// Bytes the server sent during the step (0: it said nothing).
    std::size_t bytesReceived() const noexcept { return bytesReceived_; }

  private:
    std::size_t bytesReceived_;
};

/// The TLS handshake failed (not by timing out).
class TlsFailed : public std::runtime_error {
  public:
    TlsFailed(const std::string& reason, const std::string& certificateRefusal)
        : std::runtime_error(reason), certificateRefusal_(certificateRefusal) {}
    /// Why the certificate was refused, or empty when it was not the certificate.
    const std::string& certificateRefusal() const noexcept { return certificateRefusal_; }

  private:
    std::string certificateRefusal_;
};

/// The least speed at which a message must be accepted: its deadline is the step timeout
/// plus its size at this speed (24 MB: about 13 minutes).
inline constexpr std::uint64_t kMinSendBytesPerSecond = 32 * 1024;

class SmtpConnection {
  public:
    /// Takes the step timeout, and the server's and the keys' names for messages.
    explicit SmtpConnection(const SmtpSettings& settings);
    /// Closes the socket (without QUIT).
    ~SmtpConnection();
    SmtpConnection(const SmtpConnection&) = delete;
    SmtpConnection& operator=(const SmtpConnection&) = delete;

    /// TCP connection within the step timeout. Throws Poco::Exception (refused, unreachable,
    /// timeout).
    void connect(const std::string& host, int port);
    /// The TLS handshake (certificate and host name checked by `tls`) within the step
    /// timeout. Throws TlsFailed or StepTimedOut.
    void startTls(const std::string& host, TlsContext& tls);
    /// True after startTls().
    bool encrypted() const noexcept { return encrypted_; }

    /// Reads one reply within the step timeout; `what` names it in messages ("greeting").
    /// Throws ConnectionLost (StepTimedOut), or Error(Unavailable) when the server sent
    /// something that is not a reply or is over a cap.
    SmtpReply reply(const std::string& what);
    /// Throws Error(Unavailable), dropping the connection, when the server has sent anything
    /// before the command `name` is written: a reply out of turn.
    void requireNothingPending(const std::string& name);
    /// Sends `line` and reads the reply. `name` names the command in messages, never its
    /// arguments (AUTH's carry secrets).
    SmtpReply command(const std::string& line, const std::string& name);
    /// Streams `message` (dot-stuffed, ending with the lone dot) within the message deadline
    /// for `bytes`. Throws ConnectionLost (StepTimedOut).
    void sendMessage(const Poco::Net::MailMessage& message, std::uint64_t bytes);

    /// Closes the socket; never throws.
    void close() noexcept;
    /// Shuts the socket down and closes it, without a TLS goodbye; never throws.
    void abort() noexcept;

  private:
    using Clock = SocketWatchdog::Clock;
    void sendLine(const std::string& line, const std::string& name);
    [[noreturn]] void lost(const std::string& what, const std::string& reason);
    [[noreturn]] void timedOut(const std::string& what);
    std::string seconds(Clock::duration d) const;

    std::string where_;  // "smtp.gmail.com:587"
    std::chrono::seconds stepTimeout_;
    std::string timeoutKey_;   // "SMTP_TIMEOUT_SECONDS" or "smtp_timeout_seconds"
    std::string addressKeys_;  // "SMTP_HOST and SMTP_PORT"
    Poco::Net::StreamSocket socket_;
    int fd_ = -1;
    bool encrypted_ = false;
    SmtpReplyParser parser_;
    std::string unread_;  // bytes received after the last reply
    std::size_t stepBytes_ = 0;
    SocketWatchdog watchdog_;
};

}  // namespace pixsync::pixstar
