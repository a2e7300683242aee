#include "smtp_reply.hpp"

#include <gtest/gtest.h>

namespace pixsync::pixstar {
namespace {

using Kind = Outcome::Kind;

TEST(SmtpReplyOutcome, SuccessIsDelivered) {
    const Outcome o = outcomeFor({250, "2.0.0 OK queued"}, 1234);
    EXPECT_EQ(o.kind, Kind::Delivered);
    EXPECT_EQ(o.bytes, 1234u);
}

TEST(SmtpReplyOutcome, TemporaryFailureIsRetryLaterWithTheServerText) {
    const Outcome o = outcomeFor({451, "4.3.0 Temporary local problem, try again later"}, 0);
    EXPECT_EQ(o.kind, Kind::RetryLater);
    EXPECT_EQ(o.detail, "451 4.3.0 Temporary local problem, try again later");
}

TEST(SmtpReplyOutcome, PermanentFailureIsFailed) {
    EXPECT_EQ(outcomeFor({550, "5.1.1 User unknown"}, 0).kind, Kind::Failed);
    EXPECT_EQ(outcomeFor({552, "5.3.4 Message size exceeds fixed maximum"}, 0).kind, Kind::Failed);
    EXPECT_EQ(outcomeFor({554, "5.7.1 rejected"}, 0).kind, Kind::Failed);
}

TEST(SmtpReplyOutcome, GmailDailyQuotaPausesForAnHour) {
    const Outcome o = outcomeFor({550, "5.4.5 Daily user sending quota exceeded."}, 0);
    EXPECT_EQ(o.kind, Kind::Paused);
    EXPECT_EQ(o.retryAfter, kDailyQuotaPause);
    EXPECT_EQ(o.retryAfter, std::chrono::hours(1));
}

TEST(SmtpReplyOutcome, RateLimitRepliesPauseBriefly) {
    for (const SmtpReply& r : {SmtpReply{421, "4.7.0 Try again later, closing connection."},
                               SmtpReply{451, "4.7.1 Rate limit exceeded"},
                               SmtpReply{450, "Sender rate limit exceeded, slow down"}}) {
        const Outcome o = outcomeFor(r, 0);
        EXPECT_EQ(o.kind, Kind::Paused) << r.describe();
        EXPECT_EQ(o.retryAfter, kThrottlePause) << r.describe();
    }
}

TEST(SmtpReplyOutcome, PlainClosingReplyMeansReconnect) {
    EXPECT_TRUE(isClosingReply(
        {421, "4.3.2 Too many messages on this connection, closing transmission channel"}));
    EXPECT_TRUE(isClosingReply({421, "4.3.2 Service shutting down, closing transmission channel"}));
    EXPECT_FALSE(isClosingReply({421, "4.7.0 Try again later, closing connection."}));
    EXPECT_FALSE(isClosingReply({451, "4.3.0 try again"}));
}

TEST(SmtpReplyOutcome, DescribeIsOneLine) {
    EXPECT_EQ((SmtpReply{550, "5.4.5 first\nsecond"}.describe()), "550 5.4.5 first second");
}

}  // namespace
}  // namespace pixsync::pixstar
