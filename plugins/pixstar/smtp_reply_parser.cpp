#include "smtp_reply_parser.hpp"

#include <algorithm>

#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::pixstar {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

/// What a server sent, for a message: printable ASCII, at most 40 characters.
std::string excerpt(std::string_view text) {
    std::string out;
    for (char c : text.substr(0, 40)) {
        const auto u = static_cast<unsigned char>(c);
        out += (u >= 0x20 && u < 0x7f) ? c : '?';
    }
    return text.size() > 40 ? out + "..." : out;
}

/// A line's text as logs may show it: control characters become '?'.
std::string printable(std::string_view text) {
    std::string out(text);
    for (auto& c : out) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f) c = '?';
    }
    return out;
}

}  // namespace

void SmtpReplyParser::reset() noexcept {
    line_.clear();
    texts_.clear();
    code_ = 0;
    bytes_ = 0;
    complete_ = false;
}

void SmtpReplyParser::refuse(const std::string& what) {
    reset();
    throw unavailableError(what);
}

std::size_t SmtpReplyParser::feed(std::string_view data) {
    std::size_t used = 0;
    while (used < data.size() && !complete_) {
        const std::string_view rest = data.substr(used);
        const std::size_t end = rest.find('\n');
        const std::size_t take = end == std::string_view::npos ? rest.size() : end + 1;
        // Checked before anything is kept, so memory stays within the caps.
        if (line_.size() + take > kMaxReplyLineBytes)
            refuse(cat("a reply line longer than ", kMaxReplyLineBytes, " bytes (",
                       excerpt(line_.empty() ? rest : std::string_view(line_)), ")"));
        if (bytes_ + take > kMaxReplyBytes)
            refuse(cat("a reply longer than ", kMaxReplyBytes / 1024, " KiB (", texts_.size(),
                       " lines so far)"));
        bytes_ += take;
        used += take;
        if (end == std::string_view::npos) {
            line_.append(rest);
        } else {
            line_.append(rest.substr(0, end));
            finishLine();
        }
    }
    return used;
}

void SmtpReplyParser::finishLine() {
    std::string_view line = line_;
    if (line.ends_with('\r')) line.remove_suffix(1);
    // Reply-code = %x32-35 %x30-35 %x30-39 (RFC 5321, 4.2), then "-" (more lines follow),
    // " " + text, or nothing.
    const bool codeOk = line.size() >= 3 && line[0] >= '2' && line[0] <= '5' && isDigit(line[1]) &&
                        isDigit(line[2]);
    const bool separatorOk = line.size() == 3 || line[3] == '-' || line[3] == ' ';
    if (!codeOk || !separatorOk)
        refuse(cat("a line that is not an SMTP reply (\"", excerpt(line), "\")"));
    const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (code_ != 0 && code != code_)
        refuse(cat("a reply whose lines carry different codes (", code_, ", then ", code, ")"));
    if (texts_.size() == kMaxReplyLines)
        refuse(cat("a reply of more than ", kMaxReplyLines, " lines"));
    code_ = code;
    texts_.push_back(printable(line.size() > 4 ? line.substr(4) : std::string_view()));
    complete_ = line.size() == 3 || line[3] == ' ';
    line_.clear();
}

SmtpReply SmtpReplyParser::take() {
    SmtpReply reply{code_, join(texts_, "\n")};
    reset();
    return reply;
}

}  // namespace pixsync::pixstar
