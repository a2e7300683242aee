#pragma once
// One SMTP connection, kept open across messages: connect, STARTTLS or implicit TLS,
// authentication, and the envelope driven command by command so that every recipient's
// reply is known.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pixsync/log.hpp"
#include "settings.hpp"
#include "smtp_connection.hpp"
#include "smtp_reply.hpp"
#include "tls_context.hpp"

namespace Poco::Net {
class MailMessage;
}

namespace pixsync::pixstar {

/// An SMTP client for one server. Not thread-safe (a sink is used by one thread at a time).
class SmtpClient {
  public:
    /// The steps of opening a connection, reported to check().
    enum class Step { Connect, Tls, Authenticate };
    /// Called after each step that succeeded, with what was found.
    using StepReporter = std::function<void(Step, const std::string& detail)>;

    SmtpClient(SmtpSettings settings, Logger log);
    /// Says QUIT when a connection is open.
    ~SmtpClient();
    SmtpClient(const SmtpClient&) = delete;
    SmtpClient& operator=(const SmtpClient&) = delete;

    /// Opens a connection unless one is open: TCP connect, greeting, EHLO, TLS (implicit on
    /// port 465, otherwise STARTTLS unless smtp_use_tls is false), AUTH. Throws
    /// Error(Unavailable) with the step that failed and how to fix it.
    void open(const StepReporter& report = {});
    /// True while a connection is open.
    bool isOpen() const noexcept;
    /// Says QUIT and closes; never throws.
    void close() noexcept;

    /// Sends one message of about `bytes` to `recipients` over the open connection and
    /// returns the final reply for each recipient, in order (the RCPT reply for a refused
    /// one, otherwise the reply to the message). Throws ConnectionLost when the connection
    /// broke, timed out or was closed by a 421 reply, and Error(Unavailable) when the server
    /// sent something that is not a reply; the connection is then closed.
    std::vector<SmtpReply> send(const Poco::Net::MailMessage& message, std::uint64_t bytes,
                                const std::string& from,
                                const std::vector<std::string>& recipients);

    /// The step open() was at when it last failed (or reached when it succeeded).
    Step lastStep() const noexcept { return step_; }

    /// Connections opened so far (for logs and tests).
    std::size_t connectionsOpened() const noexcept { return connectionsOpened_; }

  private:
    struct Connection;
    SmtpReply command(const std::string& line, const std::string& name);
    SmtpReply command(const std::string& line);
    void abandon() noexcept;
    void handshake();
    void greet(const StepReporter& report);
    void startTls(const StepReporter& report);
    void authenticate(const StepReporter& report, bool encrypted);
    SmtpReply login(const std::string& mechanism);

    SmtpSettings settings_;
    Logger log_;
    TlsContext tls_;
    std::unique_ptr<Connection> connection_;
    std::size_t connectionsOpened_ = 0;
    Step step_ = Step::Connect;
};

}  // namespace pixsync::pixstar
