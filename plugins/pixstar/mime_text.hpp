#pragma once
// Turning untrusted text (file names, route labels) into safe mail header content. Kept free
// of I/O so it can be tested on its own.

#include <cstddef>
#include <string>
#include <string_view>

namespace pixsync::pixstar {

/// Longest attachment file name, in bytes of UTF-8 (extension included).
inline constexpr std::size_t kMaxFileNameBytes = 100;

/// A file name safe for an attachment: CR, LF, other control characters, quotes, slashes
/// and backslashes removed, runs of dots collapsed, invalid UTF-8 replaced by '_', leading dots and
/// spaces dropped (no "../"), capped at `maxBytes` on a character boundary with the extension kept.
/// When `newExtension` is given (".jpg"), it replaces the name's extension. An empty result becomes
/// "photo" plus the extension.
std::string safeFileName(std::string_view untrusted, std::string_view newExtension = {},
                         std::size_t maxBytes = kMaxFileNameBytes);

/// Text for a single header line: control characters (CR and LF included) become spaces,
/// invalid UTF-8 becomes '_'.
std::string singleLine(std::string_view untrusted);

/// True when every byte is printable ASCII or a space.
bool isPlainAscii(std::string_view text);

/// RFC 2047 "B" encoded-words (UTF-8) for non-ASCII text, split on character boundaries so
/// that no word exceeds 75 characters, separated by single spaces; plain ASCII is returned
/// unchanged.
std::string encodeHeaderWords(std::string_view utf8);

/// Replaces {user} and {file} in a subject or body template.
std::string expandTemplate(std::string_view templ, std::string_view user, std::string_view file);

}  // namespace pixsync::pixstar
