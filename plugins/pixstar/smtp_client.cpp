#include "smtp_client.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/DNS.h>
#include <Poco/Net/DialogSocket.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailStream.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureSMTPClientSession.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/SocketStream.h>
#include <Poco/Net/StreamSocket.h>

#include <algorithm>
#include <cctype>

#include "login_refusal.hpp"
#include "oauth2_token.hpp"
#include "pixsync/error.hpp"
#include "pixsync/strings.hpp"

namespace pixsync::pixstar {

namespace {

using Poco::Net::Context;

/// Poco's session with the protected parts this client needs: the socket (to upgrade it
/// with the right host name and to stream the message) and the AUTH mechanisms.
class Session : public Poco::Net::SecureSMTPClientSession {
  public:
    explicit Session(const Poco::Net::StreamSocket& socket) : SecureSMTPClientSession(socket) {}

    Poco::Net::DialogSocket& dialog() { return socket(); }

    void upgradeToTls(const std::string& host, Context::Ptr context) {
        Poco::Net::SecureStreamSocket secure =
            Poco::Net::SecureStreamSocket::attach(socket(), host, context);
        socket() = secure;
    }
    void authPlain(const std::string& user, const std::string& password) {
        loginUsingPlain(user, password);
    }
    void authLogin(const std::string& user, const std::string& password) {
        loginUsingLogin(user, password);
    }
    void authXoauth2(const std::string& user, const std::string& token) {
        loginUsingXOAUTH2(user, token);
    }
};

/// Poco's reply ("250-first\n250 last") as code and text without the codes.
SmtpReply toReply(int status, const std::string& response) {
    SmtpReply reply;
    reply.code = status;
    std::vector<std::string> lines;
    for (const auto& line : split(response, '\n')) {
        std::string text = trim(line);
        if (text.size() >= 3 && std::isdigit(static_cast<unsigned char>(text[0]))) {
            text = text.substr(3);
            if (!text.empty() && (text[0] == '-' || text[0] == ' ')) text = text.substr(1);
        }
        lines.push_back(text);
    }
    reply.text = join(lines, "\n");
    return reply;
}

/// EHLO keywords, upper case ("STARTTLS", "AUTH PLAIN LOGIN", ...).
std::vector<std::string> capabilities(const SmtpReply& ehlo) {
    std::vector<std::string> caps;
    const auto lines = split(ehlo.text, '\n');
    for (std::size_t i = 1; i < lines.size(); ++i) caps.push_back(toUpper(trim(lines[i])));
    return caps;
}

bool offers(const std::vector<std::string>& caps, const std::string& keyword) {
    for (const auto& c : caps)
        if (c == keyword || c.starts_with(keyword + " ")) return true;
    return false;
}

std::vector<std::string> authMechanisms(const std::vector<std::string>& caps) {
    for (const auto& c : caps) {
        if (c.starts_with("AUTH ") || c.starts_with("AUTH=")) {
            std::vector<std::string> mechanisms;
            for (auto& m : split(c.substr(5), ' '))
                if (!m.empty()) mechanisms.push_back(m);
            return mechanisms;
        }
    }
    return {};
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

std::string pocoReason(const Poco::Exception& e) {
    std::string text = e.displayText();
    for (auto& c : text)
        if (c == '\r' || c == '\n') c = ' ';
    return trim(text);
}

}  // namespace

struct SmtpClient::Connection {
    std::unique_ptr<Session> session;
    std::vector<std::string> caps;
    bool encrypted = false;
};

SmtpClient::SmtpClient(SmtpSettings settings, Logger log)
    : settings_(std::move(settings)), log_(std::move(log)) {
    Poco::Net::initializeSSL();  // one reference per client, released in the destructor
    Context::Params params;
    params.verificationMode =
        settings_.insecureTls ? Context::VERIFY_NONE : Context::VERIFY_RELAXED;
    params.loadDefaultCAs = true;
    if (!settings_.caFile.empty()) params.caLocation = settings_.caFile.string();
    try {
        tls_ = new Context(Context::TLS_CLIENT_USE, params);
        tls_->requireMinimumProtocol(Context::PROTO_TLSV1_2);
    } catch (const Poco::Exception& e) {
        Poco::Net::uninitializeSSL();
        throw configError(cat("cannot set up TLS for ", settings_.endpoint(), ": ", pocoReason(e),
                              " (check smtp_ca_file)"));
    }
}

SmtpClient::~SmtpClient() {
    close();
    tls_ = nullptr;
    Poco::Net::uninitializeSSL();
}

bool SmtpClient::isOpen() const noexcept { return connection_ != nullptr; }

void SmtpClient::close() noexcept {
    if (!connection_) return;
    try {
        connection_->session->close();  // QUIT
    } catch (...) {
        // The server may already be gone; closing is best effort.
    }
    connection_.reset();
}

void SmtpClient::abandon() noexcept {
    if (!connection_) return;
    try {
        connection_->session->dialog().close();
    } catch (...) {
    }
    connection_.reset();
}

SmtpReply SmtpClient::command(const std::string& line) {
    std::string response;
    int status = 0;
    try {
        status = connection_->session->sendCommand(line, response);
    } catch (const Poco::Exception& e) {
        abandon();
        throw ConnectionLost(cat("connection to ", settings_.endpoint(), " lost: ", pocoReason(e)));
    }
    if (status == 0) {
        abandon();
        throw ConnectionLost(cat("connection to ", settings_.endpoint(), " closed by the server"));
    }
    return toReply(status, response);
}

void SmtpClient::open(const StepReporter& report) {
    if (connection_) return;
    step_ = Step::Connect;
    const std::string where = settings_.endpoint();
    const Poco::Timespan timeout(static_cast<long>(settings_.timeout.count()), 0);
    auto connection = std::make_unique<Connection>();
    try {
        const Poco::Net::SocketAddress address(settings_.host,
                                               static_cast<Poco::UInt16>(settings_.port));
        if (settings_.implicitTls()) {
            Poco::Net::SecureStreamSocket socket(tls_);
            socket.setPeerHostName(settings_.host);
            socket.connect(address, timeout);
            socket.setReceiveTimeout(timeout);
            socket.setSendTimeout(timeout);
            connection->session = std::make_unique<Session>(socket);
            connection->encrypted = true;
        } else {
            Poco::Net::StreamSocket socket;
            socket.connect(address, timeout);
            socket.setReceiveTimeout(timeout);
            socket.setSendTimeout(timeout);
            connection->session = std::make_unique<Session>(socket);
        }
        connection->session->setTimeout(timeout);
        connection->session->open();  // the greeting
    } catch (const Poco::Net::SSLException& e) {
        step_ = Step::Tls;
        throw unavailableError(cat("TLS with ", where, " failed: ", pocoReason(e),
                                   "; if the server uses a private CA, set smtp_ca_file"));
    } catch (const Poco::Exception& e) {
        throw unavailableError(cat("cannot connect to ", where, ": ", pocoReason(e),
                                   "; check smtp_host, smtp_port and the network"));
    }
    connection_ = std::move(connection);
    ++connectionsOpened_;
    try {
        const std::string hello = Poco::Net::DNS::hostName();
        SmtpReply ehlo = command("EHLO " + hello);
        if (!ehlo.positive()) {
            abandon();
            throw unavailableError(cat(where, " refused EHLO: ", ehlo.describe()));
        }
        connection_->caps = capabilities(ehlo);
        if (report)
            report(Step::Connect,
                   cat("connected; server greets as ", split(ehlo.text, '\n').front()));
        if (connection_->encrypted) {
            if (report) report(Step::Tls, "implicit TLS (port 465), certificate verified");
        } else if (settings_.useTls) {
            step_ = Step::Tls;
            startTls(report);
        }
        step_ = Step::Authenticate;
        authenticate(report, connection_->encrypted);
    } catch (const ConnectionLost& e) {
        throw unavailableError(e.what());
    } catch (...) {
        abandon();
        throw;
    }
    log_.debug(cat("connected to ", where, connection_->encrypted ? " (TLS)" : " (no TLS)"));
}

void SmtpClient::startTls(const StepReporter& report) {
    const std::string where = settings_.endpoint();
    if (!offers(connection_->caps, "STARTTLS")) {
        abandon();
        throw unavailableError(cat(where,
                                   " does not offer STARTTLS; refusing to send in plaintext ",
                                   "(set SMTP_USE_TLS=false only for a local relay)"));
    }
    const SmtpReply reply = command("STARTTLS");
    if (reply.code != 220) {
        abandon();
        throw unavailableError(
            cat(where, " refused STARTTLS: ", reply.describe(), "; refusing to send in plaintext"));
    }
    try {
        connection_->session->upgradeToTls(settings_.host, tls_);
    } catch (const Poco::Exception& e) {
        abandon();
        throw unavailableError(cat("TLS with ", where, " failed: ", pocoReason(e),
                                   "; if the server uses a private CA, set smtp_ca_file"));
    }
    connection_->encrypted = true;
    const SmtpReply ehlo = command("EHLO " + Poco::Net::DNS::hostName());
    if (!ehlo.positive()) {
        abandon();
        throw unavailableError(cat(where, " refused EHLO after STARTTLS: ", ehlo.describe()));
    }
    connection_->caps = capabilities(ehlo);
    if (report)
        report(Step::Tls, settings_.insecureTls
                              ? "STARTTLS (certificate NOT verified: smtp_insecure_tls)"
                              : "STARTTLS, certificate verified");
}

void SmtpClient::authenticate(const StepReporter& report, bool encrypted) {
    const std::string where = settings_.endpoint();
    const bool oauth = usesOAuth2(settings_);
    if (settings_.user.empty() || (!oauth && settings_.password.empty())) {
        if (report) report(Step::Authenticate, "no smtp_user/smtp_password: sending without AUTH");
        return;
    }
    if (!encrypted && !settings_.allowPlaintextAuth) {
        abandon();
        throw unavailableError(cat("refusing to send the SMTP password to ", where,
                                   " over an unencrypted connection; enable smtp_use_tls, or set ",
                                   "smtp_allow_plaintext_auth=true only for a local relay"));
    }
    const auto mechanisms = authMechanisms(connection_->caps);
    try {
        if (oauth) {
            const std::string token = readOAuth2Token(settings_);
            log_.addSecret(token);
            connection_->session->authXoauth2(settings_.user, token);
        } else if (contains(mechanisms, "PLAIN")) {
            connection_->session->authPlain(settings_.user, settings_.password);
        } else if (contains(mechanisms, "LOGIN")) {
            connection_->session->authLogin(settings_.user, settings_.password);
        } else {
            abandon();
            throw unavailableError(
                cat(where, " offers no AUTH mechanism pixsync supports (offered: ",
                    mechanisms.empty() ? std::string("none") : join(mechanisms, " "),
                    "; supported: PLAIN, LOGIN, XOAUTH2)"));
        }
    } catch (const Poco::Net::SMTPException& e) {
        abandon();
        log_.debug(cat("AUTH refused by ", where, ": ", pocoReason(e)));
        throw unavailableError(describeLoginRefusal(settings_, e.code(), e.message()));
    } catch (const Poco::Exception& e) {
        abandon();
        throw unavailableError(cat("connection to ", where, " lost during AUTH: ", pocoReason(e)));
    }
    if (report)
        report(Step::Authenticate, cat("logged in as ", settings_.user,
                                       oauth                           ? " (XOAUTH2)"
                                       : contains(mechanisms, "PLAIN") ? " (PLAIN)"
                                                                       : " (LOGIN)"));
}

std::vector<SmtpReply> SmtpClient::send(const Poco::Net::MailMessage& message,
                                        const std::string& from,
                                        const std::vector<std::string>& recipients) {
    if (!connection_) throw ConnectionLost("not connected");
    auto settleAll = [&](const SmtpReply& reply) {
        if (reply.code == 421) {
            abandon();
            if (isClosingReply(reply))
                throw ConnectionLost(
                    cat(settings_.endpoint(), " closed the connection: ", reply.describe()));
        }
        return std::vector<SmtpReply>(recipients.size(), reply);
    };

    const SmtpReply mail = command("MAIL FROM:<" + from + ">");
    if (!mail.positive()) {
        auto replies = settleAll(mail);
        if (connection_) command("RSET");
        return replies;
    }
    std::vector<SmtpReply> replies(recipients.size());
    std::vector<std::size_t> accepted;
    for (std::size_t i = 0; i < recipients.size(); ++i) {
        replies[i] = command("RCPT TO:<" + recipients[i] + ">");
        if (replies[i].code == 421) return settleAll(replies[i]);
        if (replies[i].positive()) accepted.push_back(i);
    }
    if (accepted.empty()) {
        command("RSET");
        return replies;
    }
    const SmtpReply data = command("DATA");
    if (data.code != 354) {
        if (data.code == 421) return settleAll(data);
        command("RSET");
        for (auto i : accepted) replies[i] = data;
        return replies;
    }
    SmtpReply final;
    try {
        Poco::Net::SocketOutputStream socketStream(connection_->session->dialog());
        Poco::Net::MailOutputStream mailStream(socketStream);
        message.write(mailStream);
        mailStream.close();
        socketStream.flush();
        std::string response;
        const int status = connection_->session->dialog().receiveStatusMessage(response);
        if (status == 0)
            throw Poco::Net::NetException("connection closed while sending the message");
        final = toReply(status, response);
    } catch (const Poco::Exception& e) {
        abandon();
        throw ConnectionLost(
            cat("connection to ", settings_.endpoint(), " lost while sending: ", pocoReason(e)));
    }
    if (final.code == 421) return settleAll(final);
    for (auto i : accepted) replies[i] = final;
    return replies;
}

}  // namespace pixsync::pixstar
