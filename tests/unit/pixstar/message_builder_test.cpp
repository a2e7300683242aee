#include "message_builder.hpp"

#include <Poco/Net/MailMessage.h>
#include <gtest/gtest.h>

#include <sstream>

#include "pixsync/options.hpp"
#include "test_support.hpp"

namespace pixsync::pixstar {
namespace {

const std::string kJpeg("\xff\xd8\xff\xe0 fake jpeg", 14);

MessageContent sampleContent(const std::filesystem::path& attachment) {
    MessageContent content;
    content.from = "sender@example.com";
    content.recipients = {"frame1@mypixstar.com", "frame2@mypixstar.com"};
    content.subject = "Favorite from Zo\xc3\xab: \xf0\x9f\x93\xb7.jpg";
    content.body = "Hello\nsecond line\n";
    content.attachment = attachment;
    content.attachmentType = "image/jpeg";
    content.attachmentName = "\xf0\x9f\x93\xb7 Zo\xc3\xab.jpg";
    return content;
}

/// Parses a written message with Python's email package (what a receiving server sees).
Options parseWithPython(const std::string& wire, const test::TempDir& dir) {
    const auto eml = test::writeFile(dir / "message.eml", wire);
    const auto result =
        test::run({test::python(), PIXSTAR_READ_EML, eml.string(), (dir / "attachment").string()});
    EXPECT_EQ(result.exitCode, 0) << result.err;
    Options parsed = Options::parse(result.out, "read_eml.py output");
    EXPECT_EQ(parsed.stringList("defects"), std::vector<std::string>{})
        << "the message has MIME defects:\n"
        << wire;
    return parsed;
}

TEST(MessageBuilder, WritesAnRfc5322MessageWithOneAttachment) {
    test::TempDir dir;
    const auto photo = test::writeFile(dir / "photo.jpg", kJpeg);
    const auto first = buildMessage(sampleContent(photo));
    const auto second = buildMessage(sampleContent(photo));
    EXPECT_NE(first->get("Message-ID"), second->get("Message-ID")) << "Message-ID must be unique";

    std::ostringstream wire;
    first->write(wire);
    const Options parsed = parseWithPython(wire.str(), dir);
    EXPECT_TRUE(parsed.boolean("all_ascii", false)) << "the message must be 7-bit clean";
    EXPECT_EQ(parsed.string("from"), "sender@example.com");
    EXPECT_EQ(parsed.stringList("to"),
              (std::vector<std::string>{"frame1@mypixstar.com", "frame2@mypixstar.com"}));
    EXPECT_EQ(parsed.string("subject"), "Favorite from Zo\xc3\xab: \xf0\x9f\x93\xb7.jpg");
    EXPECT_TRUE(parsed.boolean("has_date", false));
    EXPECT_TRUE(parsed.string("message_id").ends_with("@example.com>"));
    EXPECT_EQ(parsed.string("body"), "Hello\nsecond line\n");
    const auto attachments = parsed.objectList("attachments");
    ASSERT_EQ(attachments.size(), 1u);
    EXPECT_EQ(attachments[0].string("filename"), "\xf0\x9f\x93\xb7 Zo\xc3\xab.jpg");
    EXPECT_EQ(attachments[0].string("content_type"), "image/jpeg");
    EXPECT_EQ(test::readFile(dir / "attachment"), kJpeg);
}

TEST(MessageBuilder, AsciiNamesStayReadable) {
    test::TempDir dir;
    auto content = sampleContent(test::writeFile(dir / "photo.jpg", kJpeg));
    content.subject = "Favorite: IMG_0001.jpg";
    content.attachmentName = "IMG_0001.jpg";
    const auto message = buildMessage(content);
    EXPECT_EQ(message->getSubject(), "Favorite: IMG_0001.jpg");
    std::ostringstream wire;
    message->write(wire);
    EXPECT_NE(wire.str().find("Content-Disposition: attachment; filename=IMG_0001.jpg"),
              std::string::npos)
        << wire.str().substr(0, 1200);
}

TEST(MessageBuilder, EstimateCoversBase64Growth) {
    EXPECT_GT(estimatedMessageBytes(15u * 1024 * 1024, 100), 15u * 1024 * 1024 * 4 / 3);
    EXPECT_LT(estimatedMessageBytes(15u * 1024 * 1024, 100), 22u * 1024 * 1024);
}

}  // namespace
}  // namespace pixsync::pixstar
