// The sink's SMTP connection against the hostile test server: the deadline of a message
// bounds its whole transfer, however steadily a slow server takes it.

#include "smtp_connection.hpp"

#include <Poco/Net/MailMessage.h>
#include <Poco/Net/StringPartSource.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "hostile_smtp_server.hpp"

namespace pixsync::pixstar {
namespace {

using namespace std::chrono_literals;

TEST(SmtpConnection, MessageDeadlineEndsATransferThatIsTooSlow) {
    // Takes 64 KB/s through a small receive window: every write makes progress within the
    // step timeout, yet 16 MB take minutes.
    test::HostileSmtpServer server("slow-reader", {"--rate", "65536"});
    SmtpSettings settings;
    settings.host = "127.0.0.1";
    settings.port = server.port();
    settings.timeout = 2s;
    SmtpConnection connection(settings);
    connection.connect(settings.host, settings.port);
    EXPECT_EQ(connection.reply("greeting").code, 220);
    EXPECT_EQ(connection.command("EHLO test.example", "EHLO").code, 250);
    EXPECT_EQ(connection.command("MAIL FROM:<a@example.com>", "MAIL FROM").code, 250);
    EXPECT_EQ(connection.command("RCPT TO:<f@mypixstar.com>", "RCPT TO").code, 250);
    EXPECT_EQ(connection.command("DATA", "DATA").code, 354);

    // More than the socket buffers hold, declared as 64 KiB: its deadline is 2 s + 2 s.
    Poco::Net::MailMessage message;
    message.setSender("a@example.com");
    message.addRecipient(
        Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, "f@mypixstar.com"));
    message.setSubject("large");
    message.addAttachment("large.bin",
                          new Poco::Net::StringPartSource(std::string(16 * 1024 * 1024, 'x'),
                                                          "application/octet-stream"));
    const auto started = std::chrono::steady_clock::now();
    try {
        connection.sendMessage(message, 64 * 1024);
        ADD_FAILURE() << "the transfer should have run out of time";
    } catch (const StepTimedOut& e) {
        EXPECT_NE(std::string(e.what()).find("did not take the"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("within 4 s (2 s plus 32 KiB/s)"), std::string::npos)
            << e.what();
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_GE(seconds, 3.5);
    EXPECT_LT(seconds, 8.0);
}

}  // namespace
}  // namespace pixsync::pixstar
