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

// One test per row of the README's table "SMTP replies and what they mean".
SmtpReply at(SmtpStage stage, int code, const char* text) { return {code, text, stage}; }

TEST(SmtpReplyTable, UnknownRecipientAtRcptFailsThisFrame) {
    const Outcome o = outcomeFor(at(SmtpStage::Rcpt, 550, "5.1.1 User unknown"), 0);
    EXPECT_EQ(o.kind, Kind::Failed);
    EXPECT_EQ(o.detail, "550 5.1.1 User unknown");
}

TEST(SmtpReplyTable, MessageTooBigFailsThisPhoto) {
    EXPECT_EQ(
        outcomeFor(at(SmtpStage::Data, 552, "5.3.4 Message size exceeds fixed maximum"), 0).kind,
        Kind::Failed);
    EXPECT_EQ(outcomeFor(at(SmtpStage::Rcpt, 552, "5.2.2 Mailbox full"), 0).kind, Kind::Failed);
}

TEST(SmtpReplyTable, ContentRefusedAfterDataFailsThisPhoto) {
    EXPECT_EQ(outcomeFor(at(SmtpStage::Data, 554, "5.7.1 Message content rejected"), 0).kind,
              Kind::Failed);
}

TEST(SmtpReplyTable, ContentPolicyAfterDataFailsThisPhoto) {
    for (const char* text : {"5.7.1 Message rejected as spam",
                             "5.7.0 This message was blocked "
                             "because its content presents a potential security issue",
                             "5.7.7 Message integrity failure", "5.7.99 Unknown policy"}) {
        const Outcome o = outcomeFor(at(SmtpStage::Data, 552, text), 0);
        EXPECT_EQ(o.kind, Kind::Failed) << text;
        EXPECT_EQ(o.detail, std::string("552 ") + text);
    }
}

TEST(SmtpReplyTable, AccountPolicyAfterDataHoldsTheSink) {
    for (const char* text :
         {"5.7.8 Authentication credentials invalid", "5.7.9 Mechanism too weak",
          "5.7.10 Encryption needed", "5.7.11 Encryption required", "5.7.13 Account disabled",
          "5.7.14 Trust relationship required", "5.7.20 No passing DKIM signature",
          "5.7.23 SPF validation failed", "5.7.26 Unauthenticated email is not accepted (DMARC)",
          "5.7.27 Sender address has null MX", "5.7.30 Basic authentication is not supported",
          "5.7.57 Client was not authenticated to send anonymous mail",
          "5.7.139 Authentication unsuccessful"}) {
        const Outcome o = outcomeFor(at(SmtpStage::Data, 550, text), 0);
        EXPECT_EQ(o.kind, Kind::Held) << text;
        EXPECT_NE(o.detail.find("refuses messages from this account"), std::string::npos)
            << o.detail;
        EXPECT_NE(o.detail.find("SPF, DKIM and DMARC"), std::string::npos) << o.detail;
    }
    EXPECT_EQ(outcomeFor(at(SmtpStage::Data, 450, "4.7.26 DMARC temporary error"), 0).kind,
              Kind::Paused)
        << "4.7.x stays a short pause";
}

TEST(SmtpReplyTable, LoginRequiredHoldsTheSink) {
    for (auto stage : {SmtpStage::Mail, SmtpStage::Rcpt, SmtpStage::Data}) {
        const Outcome o = outcomeFor(at(stage, 530, "5.7.0 Authentication Required"), 0);
        EXPECT_EQ(o.kind, Kind::Held);
        EXPECT_EQ(o.detail,
                  "the SMTP server requires a login (530 5.7.0 Authentication Required): set "
                  "SMTP_USER and SMTP_PASSWORD (smtp_user, smtp_password)");
    }
}

TEST(SmtpReplyTable, LoginRefusedHoldsTheSink) {
    for (int code : {534, 535, 538}) {
        const Outcome o =
            outcomeFor(at(SmtpStage::Mail, code, "5.7.8 Username and Password not accepted"), 0);
        EXPECT_EQ(o.kind, Kind::Held) << code;
        EXPECT_NE(o.detail.find("refused the login"), std::string::npos) << o.detail;
        EXPECT_NE(o.detail.find("Gmail needs an app password"), std::string::npos) << o.detail;
    }
}

TEST(SmtpReplyTable, SenderRefusedHoldsTheSink) {
    const Outcome o = outcomeFor(at(SmtpStage::Mail, 553, "5.1.8 Sender address rejected"), 0);
    EXPECT_EQ(o.kind, Kind::Held);
    EXPECT_NE(o.detail.find("refused the sender address (MAIL FROM)"), std::string::npos);
    EXPECT_NE(o.detail.find("SMTP_FROM"), std::string::npos);
    EXPECT_EQ(outcomeFor(at(SmtpStage::Mail, 550, "not allowed"), 0).kind, Kind::Held);
}

TEST(SmtpReplyTable, PolicyBeforeDataHoldsTheSink) {
    const Outcome o = outcomeFor(at(SmtpStage::Rcpt, 550, "5.7.1 Relaying denied"), 0);
    EXPECT_EQ(o.kind, Kind::Held);
    EXPECT_NE(o.detail.find("refuses to send for this account"), std::string::npos);
    EXPECT_EQ(
        outcomeFor(at(SmtpStage::Rcpt, 550, "5.7.30 Basic authentication is not supported"), 0)
            .kind,
        Kind::Held);
}

TEST(SmtpReplyTable, ClosingConnectionHoldsTheSink) {
    EXPECT_EQ(outcomeFor(at(SmtpStage::Mail, 421, "4.3.2 Service shutting down"), 0).kind,
              Kind::Held);
}

TEST(SmtpReplyTable, OtherTemporaryRepliesRetryThisDelivery) {
    EXPECT_EQ(outcomeFor(at(SmtpStage::Data, 451, "4.3.0 Temporary local problem"), 0).kind,
              Kind::RetryLater);
    EXPECT_EQ(outcomeFor(at(SmtpStage::Rcpt, 450, "4.2.1 Mailbox busy"), 0).kind, Kind::RetryLater);
}

TEST(SmtpReplyTable, QuotaRepliesPauseAtAnyStage) {
    for (auto stage : {SmtpStage::Mail, SmtpStage::Rcpt, SmtpStage::Data})
        EXPECT_EQ(outcomeFor(at(stage, 550, "5.4.5 Daily user sending quota exceeded."), 0).kind,
                  Kind::Paused);
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
