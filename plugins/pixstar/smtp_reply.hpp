#pragma once
// What an SMTP reply means for a delivery.

#include <optional>
#include <string>

#include "pixsync/clock.hpp"
#include "pixsync/sink.hpp"

namespace pixsync::pixstar {

/// The command a reply answers: what it refuses decides whether the refusal is about one
/// message or about the whole account.
enum class SmtpStage {
    Mail,  ///< MAIL FROM: the sender
    Rcpt,  ///< RCPT TO: one recipient
    Data,  ///< DATA and the message itself
};

/// One reply: the code and the server's text (all lines, without the codes).
struct SmtpReply {
    int code = 0;
    std::string text;
    SmtpStage stage = SmtpStage::Data;

    bool positive() const { return code >= 200 && code < 300; }
    bool transient() const { return code >= 400 && code < 500; }
    /// "550 5.1.1 user unknown", for outcomes and logs.
    std::string describe() const;
};

/// How long to pause after a daily sending quota reply (Gmail: "550 5.4.5 Daily user sending
/// quota exceeded"). Gmail's window is a rolling 24 hours, so the end is unknown; probing once
/// an hour costs one rejected message and resumes at most an hour late.
inline constexpr Duration kDailyQuotaPause = std::chrono::hours(1);
/// How long to pause after a rate-limit reply (4.7.x, "too many", "rate"): per-minute style
/// throttling clears quickly.
inline constexpr Duration kThrottlePause = std::chrono::minutes(15);

/// The pause a quota or rate-limit reply asks for; nullopt for any other reply.
std::optional<Duration> quotaPause(const SmtpReply& reply);

/// True for "421 ... closing": the server is dropping the connection but may take the
/// message on a new one.
bool isClosingReply(const SmtpReply& reply);

/// The outcome for a reply to a message (the README's table "SMTP replies"): 2xx Delivered;
/// quota or rate-limit replies Paused; replies about the account rather than the message
/// (421, 530/534/535/538, a refused MAIL FROM, 5.7.x before DATA) Held; other 4xx RetryLater;
/// other 5xx Failed.
Outcome outcomeFor(const SmtpReply& reply, std::uint64_t bytes);

/// Why a reply holds the whole sink, with the fix; empty when it is about this message only.
std::string sinkWideReason(const SmtpReply& reply);

}  // namespace pixsync::pixstar
