// libFuzzer entry point for the pixstar sink's SMTP reply parser: any bytes from a server must
// end in replies or a pixsync::Error, within the parser's caps; a crash, a hang, a sanitizer
// report or a reply over a cap is a bug.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pixsync/error.hpp"
#include "smtp_reply.hpp"
#include "smtp_reply_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace pixsync::pixstar;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    // The first byte picks the size of the pieces the bytes arrive in, as reads would.
    std::size_t piece = 4096;
    if (!input.empty()) {
        piece = 1 + static_cast<unsigned char>(input.front()) % 64;
        input.remove_prefix(1);
    }
    SmtpReplyParser parser;
    try {
        while (!input.empty()) {
            const std::string_view chunk = input.substr(0, piece);
            const std::size_t used = parser.feed(chunk);
            if (used == 0 || used > chunk.size()) std::abort();
            if (parser.pendingBytes() > kMaxReplyBytes) std::abort();
            input.remove_prefix(used);
            if (parser.complete()) {
                const SmtpReply reply = parser.take();
                if (reply.code < 200 || reply.code > 599) std::abort();
                if (reply.text.size() > kMaxReplyBytes) std::abort();
                (void)reply.describe();
                (void)quotaPause(reply);
                (void)isClosingReply(reply);
                (void)outcomeFor(reply, size);
            }
        }
    } catch (const pixsync::Error&) {
        // A refusal is a fine way for hostile bytes to end.
    }
    return 0;
}
