#include "smtp_reply.hpp"

#include <regex>
#include <set>

#include "pixsync/util/strings.hpp"

namespace pixsync::pixstar {

std::string SmtpReply::describe() const {
    std::string line = trim(text);
    for (auto& c : line)
        if (c == '\n' || c == '\r') c = ' ';
    return code ? cat(code, " ", line) : line;
}

namespace {

/// The enhanced status code ("5.4.5") at the start of the text, if any.
std::string enhancedCode(const std::string& text) {
    static const std::regex pattern(R"(^\s*([245]\.\d{1,3}\.\d{1,3})\b)");
    std::smatch match;
    if (std::regex_search(text, match, pattern)) return match[1];
    return {};
}

/// 5.7.x codes that, even after DATA, are about the sending account or its domain, so every
/// message would get them: authentication (5.7.8, 5.7.9, 5.7.13, 5.7.14, 5.7.30, Microsoft's
/// 5.7.57 and 5.7.139), encryption required (5.7.10, 5.7.11) and the sender domain's
/// SPF/DKIM/DMARC checks (5.7.20 to 5.7.27). Other 5.7.x after DATA (5.7.1 spam or virus,
/// 5.7.0 as Gmail's "blocked because its content presents a security issue", 5.7.7
/// integrity) judge this message's content.
bool accountPolicyCode(const std::string& enhanced) {
    static const std::set<std::string> codes = {
        "5.7.8",  "5.7.9",  "5.7.10", "5.7.11", "5.7.13", "5.7.14", "5.7.20", "5.7.21", "5.7.22",
        "5.7.23", "5.7.24", "5.7.25", "5.7.26", "5.7.27", "5.7.30", "5.7.57", "5.7.139"};
    return codes.count(enhanced) > 0;
}

bool mentions(const std::string& lowerText, std::initializer_list<const char*> words) {
    for (const char* w : words)
        if (lowerText.find(w) != std::string::npos) return true;
    return false;
}

}  // namespace

std::optional<Duration> quotaPause(const SmtpReply& reply) {
    if (reply.code < 400) return std::nullopt;
    const std::string lower = toLower(reply.text);
    const std::string enhanced = enhancedCode(reply.text);
    if (enhanced.ends_with(".4.5") || mentions(lower, {"quota", "sending limit", "daily limit"}))
        return kDailyQuotaPause;
    if (reply.code < 500 &&
        (enhanced.starts_with("4.7.") || mentions(lower, {"rate limit", "rate-limit"})))
        return kThrottlePause;
    return std::nullopt;
}

bool isClosingReply(const SmtpReply& reply) { return reply.code == 421 && !quotaPause(reply); }

std::string sinkWideReason(const SmtpReply& reply) {
    if (reply.positive() || quotaPause(reply)) return {};
    const std::string said = cat("(", reply.describe(), ")");
    switch (reply.code) {
        case 421:
            return cat("the SMTP server closed the connection ", said,
                       "; pixsync tries again with a growing delay");
        case 530:
            return cat("the SMTP server requires a login ", said,
                       ": set SMTP_USER and SMTP_PASSWORD (smtp_user, smtp_password)");
        case 534:
        case 535:
        case 538:
            return cat("the SMTP server refused the login ", said,
                       ": check SMTP_USER and SMTP_PASSWORD; Gmail needs an app password");
        default:
            break;
    }
    if (reply.stage == SmtpStage::Mail)
        return cat("the SMTP server refused the sender address (MAIL FROM) ", said,
                   ": check SMTP_FROM (smtp_from) and that the account may send as it");
    // 5.7.x is security or policy. Before DATA it is about the account (relaying denied,
    // sender not authorised); after DATA only the codes about the account or its domain are
    // (see accountPolicyCode()), the others judged this message's content.
    const std::string enhanced = enhancedCode(reply.text);
    if (reply.code >= 500 && reply.stage == SmtpStage::Rcpt && enhanced.starts_with("5.7."))
        return cat("the SMTP server refuses to send for this account ", said,
                   ": check the login and the server's sending policy");
    if (reply.code >= 500 && reply.stage == SmtpStage::Data && accountPolicyCode(enhanced))
        return cat("the SMTP server refuses messages from this account ", said,
                   ": check the login, the sender address (SMTP_FROM) and its domain's "
                   "SPF, DKIM and DMARC records");
    return {};
}

Outcome outcomeFor(const SmtpReply& reply, std::uint64_t bytes) {
    if (reply.positive()) return Outcome::delivered(bytes, reply.describe());
    if (auto pause = quotaPause(reply)) return Outcome::paused(reply.describe(), *pause);
    if (auto reason = sinkWideReason(reply); !reason.empty()) return Outcome::held(reason);
    if (reply.transient()) return Outcome::retryLater(reply.describe());
    return Outcome::failed(reply.describe());
}

}  // namespace pixsync::pixstar
