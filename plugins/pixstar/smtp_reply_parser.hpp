#pragma once
// Reads SMTP replies from the bytes a server sends, within fixed bounds: a server that sends
// an endless reply (or endless lines) is refused after the caps below instead of being read
// into memory.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "smtp_reply.hpp"

namespace pixsync::pixstar {

/// Lines one reply may have. EHLO lists are the longest replies in practice (about 10-20).
inline constexpr std::size_t kMaxReplyLines = 100;
/// Bytes one reply line may have, CR LF included. RFC 5321 allows 512; real servers keep well
/// inside that.
inline constexpr std::size_t kMaxReplyLineBytes = 2048;
/// Bytes one reply may have in all.
inline constexpr std::size_t kMaxReplyBytes = 64 * 1024;

/// Parses one reply at a time: "250-first\r\n250 last\r\n" gives {250, "first\nlast"}.
/// Control characters in the text become '?', so that a server cannot write into logs.
class SmtpReplyParser {
  public:
    /// Reads from `data` up to the end of the current reply and returns how many bytes it
    /// used (the rest belongs to what follows). Throws Error(Unavailable) saying what the
    /// server sent ("a reply of more than 100 lines", ...) when the bytes are not an SMTP
    /// reply or exceed a cap; the parser is then reset.
    std::size_t feed(std::string_view data);

    /// True when a whole reply was read.
    bool complete() const noexcept { return complete_; }

    /// The reply read (complete() must be true); the parser is ready for the next one.
    SmtpReply take();

    /// Bytes of the current, unfinished reply read so far.
    std::size_t pendingBytes() const noexcept { return bytes_; }

  private:
    void finishLine();
    void reset() noexcept;
    [[noreturn]] void refuse(const std::string& what);

    std::string line_;                // the current line, without its LF
    std::vector<std::string> texts_;  // each finished line's text, without the code
    int code_ = 0;
    std::size_t bytes_ = 0;
    bool complete_ = false;
};

}  // namespace pixsync::pixstar
