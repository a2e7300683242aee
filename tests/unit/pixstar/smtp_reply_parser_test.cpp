#include "smtp_reply_parser.hpp"

#include <gtest/gtest.h>

#include <string>

#include "pixsync/error.hpp"

namespace pixsync::pixstar {
namespace {

/// Feeds `bytes` in pieces of `step` and returns the first complete reply.
SmtpReply parse(const std::string& bytes, std::size_t step = 1) {
    SmtpReplyParser parser;
    std::size_t at = 0;
    while (at < bytes.size()) {
        const std::string piece = bytes.substr(at, step);
        const std::size_t used = parser.feed(piece);
        at += used;
        if (parser.complete()) return parser.take();
        EXPECT_EQ(used, piece.size());
    }
    ADD_FAILURE() << "no complete reply in " << bytes;
    return {};
}

std::string refusal(const std::string& bytes) {
    SmtpReplyParser parser;
    try {
        std::size_t at = 0;
        while (at < bytes.size() && !parser.complete()) at += parser.feed(bytes.substr(at, 4096));
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
        return e.what();
    }
    return "(accepted)";
}

TEST(SmtpReplyParser, ReadsSingleAndMultiLineRepliesInAnyPieces) {
    for (std::size_t step : {1u, 3u, 7u, 4096u}) {
        const SmtpReply one = parse("250 2.0.0 OK queued\r\n", step);
        EXPECT_EQ(one.code, 250);
        EXPECT_EQ(one.text, "2.0.0 OK queued");
        const SmtpReply ehlo =
            parse("250-smtp.test\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n", step);
        EXPECT_EQ(ehlo.code, 250);
        EXPECT_EQ(ehlo.text, "smtp.test\nSTARTTLS\nAUTH PLAIN LOGIN");
    }
    EXPECT_EQ(parse("354\n").code, 354) << "a bare code and a bare LF are accepted";
}

TEST(SmtpReplyParser, StopsAtTheEndOfAReplyAndKeepsTheRest) {
    SmtpReplyParser parser;
    const std::string two = "220 hello\r\n250 next\r\n";
    const std::size_t used = parser.feed(two);
    EXPECT_EQ(used, 11u);
    ASSERT_TRUE(parser.complete());
    EXPECT_EQ(parser.take().text, "hello");
    EXPECT_EQ(parser.feed(two.substr(used)), 10u);
    EXPECT_EQ(parser.take().code, 250);
}

TEST(SmtpReplyParser, ControlCharactersCannotReachLogs) {
    EXPECT_EQ(parse(std::string("550 bad\x1b[31m\0x\r\n", 17)).text, "bad?[31m?x");
}

TEST(SmtpReplyParser, RefusesTooManyLines) {
    std::string flood;
    for (int i = 0; i < 150; ++i) flood += "220-xxxx\r\n";
    EXPECT_EQ(refusal(flood), "a reply of more than 100 lines");
    std::string hundred;
    for (int i = 0; i < 99; ++i) hundred += "250-x\r\n";
    EXPECT_EQ(parse(hundred + "250 last\r\n", 4096).code, 250) << "100 lines are fine";
}

TEST(SmtpReplyParser, RefusesAnEndlessLineBeforeKeepingIt) {
    SmtpReplyParser parser;
    const std::string chunk(1000, 'x');
    EXPECT_EQ(parser.feed("220 " + chunk), 1004u);
    EXPECT_THROW(parser.feed(chunk + chunk), Error);
    EXPECT_EQ(parser.pendingBytes(), 0u) << "refusing resets the parser";
}

TEST(SmtpReplyParser, RefusesTooManyBytesInAll) {
    std::string big;
    for (int i = 0; i < 40; ++i) big += "250-" + std::string(2000, 'y') + "\r\n";
    EXPECT_EQ(refusal(big).rfind("a reply longer than 64 KiB", 0), 0u) << refusal(big);
}

TEST(SmtpReplyParser, RefusesWhatIsNotAReply) {
    EXPECT_EQ(refusal("HTTP/1.1 400 Bad Request\r\n"),
              "a line that is not an SMTP reply (\"HTTP/1.1 400 Bad Request\")");
    EXPECT_NE(refusal(std::string("\x16\x03\x01\x02\x00\n", 6)).find("not an SMTP reply"),
              std::string::npos);
    EXPECT_NE(refusal("\r\n").find("not an SMTP reply"), std::string::npos);
    EXPECT_NE(refusal("650 nope\r\n").find("not an SMTP reply"), std::string::npos);
    EXPECT_NE(refusal("250x\r\n").find("not an SMTP reply"), std::string::npos);
    EXPECT_EQ(refusal("250-a\r\n251 b\r\n"),
              "a reply whose lines carry different codes (250, then 251)");
}

}  // namespace
}  // namespace pixsync::pixstar
