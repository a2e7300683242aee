#include "smtp_reply.hpp"

#include <regex>

#include "pixsync/strings.hpp"

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

Outcome outcomeFor(const SmtpReply& reply, std::uint64_t bytes) {
    if (reply.positive()) return Outcome::delivered(bytes, reply.describe());
    if (auto pause = quotaPause(reply)) return Outcome::paused(reply.describe(), *pause);
    if (reply.transient()) return Outcome::retryLater(reply.describe());
    return Outcome::failed(reply.describe());
}

}  // namespace pixsync::pixstar
