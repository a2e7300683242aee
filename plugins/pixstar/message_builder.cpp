#include "message_builder.hpp"

#include <Poco/Net/FilePartSource.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/StringPartSource.h>
#include <Poco/Timestamp.h>
#include <Poco/UUIDGenerator.h>

#include "mime_text.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::pixstar {

namespace {

std::string domainOf(const std::string& address) {
    const auto at = address.rfind('@');
    return at == std::string::npos ? std::string("pixsync.invalid") : address.substr(at + 1);
}

/// Content-Type and Content-Disposition carry the name; non-ASCII names become RFC 2047
/// words, which Poco quotes. (Poco writes Content-Disposition itself, so an RFC 2231
/// `filename*=` parameter cannot be added; mail readers accept encoded words in both.)
std::string headerFileName(const std::string& name) { return encodeHeaderWords(name); }

}  // namespace

std::unique_ptr<Poco::Net::MailMessage> buildMessage(const MessageContent& content) {
    auto message = std::make_unique<Poco::Net::MailMessage>();
    message->setSender(content.from);
    for (const auto& to : content.recipients)
        message->addRecipient(
            Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, to));
    message->setSubject(encodeHeaderWords(singleLine(content.subject)));
    message->setDate(Poco::Timestamp());
    const auto id = Poco::UUIDGenerator::defaultGenerator().createRandom();
    message->set("Message-ID", cat("<", id.toString(), "@", domainOf(content.from), ">"));

    // Plain newlines are fine: the SMTP stream (MailOutputStream) turns them into CRLF.
    message->addContent(new Poco::Net::StringPartSource(content.body, "text/plain; charset=UTF-8"),
                        Poco::Net::MailMessage::ENCODING_QUOTED_PRINTABLE);
    const std::string name = headerFileName(content.attachmentName);
    message->addAttachment(
        name,
        new Poco::Net::FilePartSource(content.attachment.string(), name, content.attachmentType),
        Poco::Net::MailMessage::ENCODING_BASE64);
    return message;
}

std::uint64_t estimatedMessageBytes(std::uint64_t attachmentBytes, std::size_t textBytes) {
    const std::uint64_t base64 = (attachmentBytes + 2) / 3 * 4;
    const std::uint64_t lineBreaks = base64 / 72 * 2 + 2;
    return base64 + lineBreaks + 3 * textBytes + 4096;
}

}  // namespace pixsync::pixstar
