#include "smtp_client.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/Net/DNS.h>
#include <Poco/Net/MailMessage.h>

#include <algorithm>
#include <sstream>
#include <utility>

#include "login_refusal.hpp"
#include "oauth2_token.hpp"
#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::pixstar {

namespace {

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

/// A command's name for messages: "MAIL FROM", "RCPT TO", "EHLO", "STARTTLS".
std::string commandName(const std::string& line) {
    const auto colon = line.find(':');
    if (colon != std::string::npos) return line.substr(0, colon);
    return line.substr(0, line.find(' '));
}

std::string base64(const std::string& text) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << text;
    encoder.close();
    return out.str();
}

/// What a failed TLS handshake means, and the fix, from OpenSSL's words.
std::pair<std::string, std::string> tlsAdvice(const SmtpSettings& s, const TlsFailed& e) {
    const std::string reason = e.what();
    const std::string& refusal = e.certificateRefusal();
    if (reason.find("wrong version number") != std::string::npos && s.implicitTls())
        return {"the server talks plain text first (STARTTLS), not TLS from the first byte",
                cat("use port 587 or set ", s.key("smtp_implicit_tls"), "=false")};
    if (refusal.find("hostname mismatch") != std::string::npos ||
        refusal.find("IP address mismatch") != std::string::npos)
        return {cat("the certificate is not for ", s.host),
                cat("set ", s.key("smtp_host"), " to a name the certificate carries")};
    return {"", cat("if the server uses a private CA, set ", s.key("smtp_ca_file"))};
}

}  // namespace

struct SmtpClient::Connection {
    explicit Connection(const SmtpSettings& settings) : link(settings) {}
    SmtpConnection link;
    std::vector<std::string> caps;
};

SmtpClient::SmtpClient(SmtpSettings settings, Logger log)
    : settings_(std::move(settings)), log_(std::move(log)), tls_(settings_) {}

SmtpClient::~SmtpClient() { close(); }

bool SmtpClient::isOpen() const noexcept { return connection_ != nullptr; }

void SmtpClient::close() noexcept {
    if (!connection_) return;
    try {
        connection_->link.command("QUIT", "QUIT");
    } catch (...) {
        // The server may already be gone; closing is best effort.
    }
    connection_.reset();
}

void SmtpClient::abandon() noexcept { connection_.reset(); }

SmtpReply SmtpClient::command(const std::string& line, const std::string& name) {
    try {
        return connection_->link.command(line, name);
    } catch (...) {
        abandon();
        throw;
    }
}

SmtpReply SmtpClient::command(const std::string& line) { return command(line, commandName(line)); }

void SmtpClient::handshake() {
    const std::string where = settings_.endpoint();
    try {
        connection_->link.startTls(settings_.host, tls_);
    } catch (const TlsFailed& e) {
        abandon();
        const std::string refusal =
            e.certificateRefusal().empty() ? "" : cat(" (", e.certificateRefusal(), ")");
        const auto [meaning, fix] = tlsAdvice(settings_, e);
        throw unavailableError(cat("TLS with ", where, " failed: ", e.what(), refusal,
                                   meaning.empty() ? "" : ": " + meaning, "; ", fix));
    } catch (const StepTimedOut& e) {
        abandon();
        throw unavailableError(cat(e.what(), "; check that ", where,
                                   settings_.implicitTls()
                                       ? cat(" takes TLS from the first byte (else set ",
                                             settings_.key("smtp_implicit_tls"), "=false)")
                                       : std::string(" offers STARTTLS"),
                                   ", or raise ", settings_.key("smtp_timeout_seconds")));
    }
}

void SmtpClient::open(const StepReporter& report) {
    if (connection_) return;
    step_ = Step::Connect;
    const std::string where = settings_.endpoint();
    connection_ = std::make_unique<Connection>(settings_);
    try {
        connection_->link.connect(settings_.host, settings_.port);
    } catch (const Poco::Exception& e) {
        abandon();
        throw unavailableError(cat("cannot connect to ", where, ": ", pocoReason(e), "; check ",
                                   settings_.key("smtp_host"), ", ", settings_.key("smtp_port"),
                                   " and the network"));
    }
    ++connectionsOpened_;
    try {
        if (settings_.implicitTls()) {
            step_ = Step::Tls;
            handshake();
            step_ = Step::Connect;
        }
        greet(report);
        if (connection_->link.encrypted()) {
            if (report)
                report(Step::Tls,
                       settings_.insecureTls
                           ? cat("implicit TLS (certificate NOT verified: ",
                                 settings_.key("smtp_insecure_tls"), ")")
                           : cat("implicit TLS, certificate verified for ", settings_.host));
        } else if (settings_.useTls) {
            step_ = Step::Tls;
            startTls(report);
        }
        step_ = Step::Authenticate;
        authenticate(report, connection_->link.encrypted());
    } catch (const ConnectionLost& e) {
        abandon();
        throw unavailableError(cat(e.what(), "; the server is slow or not an SMTP server (raise ",
                                   settings_.key("smtp_timeout_seconds"), " only if it is slow)"));
    } catch (...) {
        abandon();
        throw;
    }
    log_.debug(cat("connected to ", where, connection_->link.encrypted() ? " (TLS)" : " (no TLS)"));
}

void SmtpClient::greet(const StepReporter& report) {
    const std::string where = settings_.endpoint();
    SmtpReply greeting;
    try {
        greeting = connection_->link.reply("greeting");
    } catch (const StepTimedOut& e) {
        abandon();
        // Connected, yet not a byte: the usual sign of a server that waits for a TLS
        // handshake (port 465) while pixsync waits for its greeting.
        if (e.bytesReceived() == 0 && !settings_.implicitTls())
            throw unavailableError(cat(e.what(), " (as a server that expects TLS from the first ",
                                       "byte does); use port 465 or set ",
                                       settings_.key("smtp_implicit_tls"), "=true"));
        throw;
    }
    if (greeting.code != 220) {
        abandon();
        throw unavailableError(cat(where, " refused the connection: ", greeting.describe(),
                                   "; try again later, or check ", settings_.key("smtp_host")));
    }
    const SmtpReply ehlo = command("EHLO " + Poco::Net::DNS::hostName());
    if (!ehlo.positive()) {
        abandon();
        throw unavailableError(cat(where, " refused EHLO: ", ehlo.describe()));
    }
    connection_->caps = capabilities(ehlo);
    if (report)
        report(Step::Connect, cat("connected; server greets as ", split(ehlo.text, '\n').front()));
}

void SmtpClient::startTls(const StepReporter& report) {
    const std::string where = settings_.endpoint();
    if (!offers(connection_->caps, "STARTTLS")) {
        abandon();
        throw unavailableError(
            cat(where, " does not offer STARTTLS; refusing to send in plaintext ", "(set ",
                settings_.key("smtp_use_tls"), "=false only for a local relay)"));
    }
    const SmtpReply reply = command("STARTTLS");
    if (reply.code != 220) {
        abandon();
        throw unavailableError(
            cat(where, " refused STARTTLS: ", reply.describe(), "; refusing to send in plaintext"));
    }
    handshake();
    const SmtpReply ehlo = command("EHLO " + Poco::Net::DNS::hostName());
    if (!ehlo.positive()) {
        abandon();
        throw unavailableError(cat(where, " refused EHLO after STARTTLS: ", ehlo.describe()));
    }
    connection_->caps = capabilities(ehlo);
    if (report)
        report(Step::Tls, settings_.insecureTls
                              ? cat("STARTTLS (certificate NOT verified: ",
                                    settings_.key("smtp_insecure_tls"), ")")
                              : cat("STARTTLS, certificate verified for ", settings_.host));
}

SmtpReply SmtpClient::login(const std::string& mechanism) {
    // The arguments are secrets: messages name only the mechanism.
    const std::string name = "AUTH " + mechanism;
    if (mechanism == "PLAIN")
        return command("AUTH PLAIN " + base64(std::string(1, '\0') + settings_.user +
                                              std::string(1, '\0') + settings_.password),
                       name);
    if (mechanism == "LOGIN") {
        SmtpReply reply = command("AUTH LOGIN", name);
        if (reply.code != 334) return reply;
        reply = command(base64(settings_.user), name + " (user name)");
        if (reply.code != 334) return reply;
        return command(base64(settings_.password), name + " (password)");
    }
    const std::string token = readOAuth2Token(settings_);
    log_.addSecret(token);
    SmtpReply reply = command(
        "AUTH XOAUTH2 " + base64("user=" + settings_.user + "\1auth=Bearer " + token + "\1\1"),
        name);
    // A refusal comes as 334 with details; an empty line asks for the final reply.
    if (reply.code == 334) reply = command("", name + " (end)");
    return reply;
}

void SmtpClient::authenticate(const StepReporter& report, bool encrypted) {
    const std::string where = settings_.endpoint();
    const bool oauth = usesOAuth2(settings_);
    if (settings_.user.empty() || (!oauth && settings_.password.empty())) {
        if (report)
            report(Step::Authenticate,
                   cat("no ", settings_.key("smtp_user"), "/", settings_.key("smtp_password"),
                       ": sending without AUTH"));
        return;
    }
    if (!encrypted && !settings_.allowPlaintextAuth) {
        abandon();
        throw unavailableError(cat(
            "refusing to send the SMTP password to ", where,
            " over an unencrypted connection; enable ", settings_.key("smtp_use_tls"), ", or set ",
            settings_.key("smtp_allow_plaintext_auth"), "=true only for a local relay"));
    }
    const auto mechanisms = authMechanisms(connection_->caps);
    std::string mechanism;
    if (oauth)
        mechanism = "XOAUTH2";
    else if (contains(mechanisms, "PLAIN"))
        mechanism = "PLAIN";
    else if (contains(mechanisms, "LOGIN"))
        mechanism = "LOGIN";
    else {
        abandon();
        throw unavailableError(cat(where, " offers no AUTH mechanism pixsync supports (offered: ",
                                   mechanisms.empty() ? std::string("none") : join(mechanisms, " "),
                                   "; supported: PLAIN, LOGIN, XOAUTH2)"));
    }
    const SmtpReply reply = login(mechanism);
    if (reply.code != 235) {
        abandon();
        log_.debug(cat("AUTH refused by ", where, ": ", reply.describe()));
        throw unavailableError(describeLoginRefusal(settings_, reply.code, reply.text));
    }
    if (report)
        report(Step::Authenticate, cat("logged in as ", settings_.user, " (", mechanism, ")"));
}

std::vector<SmtpReply> SmtpClient::send(const Poco::Net::MailMessage& message, std::uint64_t bytes,
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

    SmtpReply mail = command("MAIL FROM:<" + from + ">");
    mail.stage = SmtpStage::Mail;
    if (!mail.positive()) {
        auto replies = settleAll(mail);
        if (connection_) command("RSET");
        return replies;
    }
    std::vector<SmtpReply> replies(recipients.size());
    std::vector<std::size_t> accepted;
    for (std::size_t i = 0; i < recipients.size(); ++i) {
        replies[i] = command("RCPT TO:<" + recipients[i] + ">");
        replies[i].stage = SmtpStage::Rcpt;
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
        connection_->link.sendMessage(message, bytes);
        final = connection_->link.reply("reply to the message");
    } catch (...) {
        abandon();
        throw;
    }
    if (final.code == 421) return settleAll(final);
    for (auto i : accepted) replies[i] = final;
    return replies;
}

}  // namespace pixsync::pixstar
