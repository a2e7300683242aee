#pragma once
// Composes the e-mail for one frame (or a group of frames): RFC 5322 headers and one
// attachment, streamed from disk when the message is written.

#include <Poco/Net/MailMessage.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace pixsync::pixstar {

/// What goes into one message. Text fields may hold untrusted input; the builder makes them
/// safe for headers.
struct MessageContent {
    std::string from;
    std::vector<std::string> recipients;
    std::string subject;  ///< expanded template, UTF-8
    std::string body;     ///< expanded template, UTF-8
    std::filesystem::path attachment;
    std::string attachmentType;  ///< e.g. "image/jpeg"
    std::string attachmentName;  ///< already passed through safeFileName()
};

/// Builds the message: Date, a unique Message-ID in the sender's domain, From, To, Subject
/// (RFC 2047 when not ASCII), a text/plain body and the attachment (base64, file name
/// RFC 2047-encoded when not ASCII).
std::unique_ptr<Poco::Net::MailMessage> buildMessage(const MessageContent& content);

/// An upper bound of the size of the message on the wire for an attachment of this many
/// bytes (base64 with line breaks, plus headers and body).
std::uint64_t estimatedMessageBytes(std::uint64_t attachmentBytes, std::size_t textBytes);

}  // namespace pixsync::pixstar
