#pragma once
/// @file strings.hpp
/// Small string helpers shared by the core and plugins.

#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace pixsync {

/// Concatenates any streamable values: cat("sent ", n, " photos").
template <class... T>
std::string cat(const T&... parts) {
    std::ostringstream out;
    (out << ... << parts);
    return out.str();
}

/// Removes ASCII whitespace at both ends.
std::string trim(std::string_view s);
/// ASCII lower case.
std::string toLower(std::string_view s);
/// ASCII upper case.
std::string toUpper(std::string_view s);
/// Splits on a separator; empty parts are kept.
std::vector<std::string> split(std::string_view s, char separator);
/// Joins with a separator.
std::string join(const std::vector<std::string>& parts, std::string_view separator);
/// True for a plausible e-mail address: one '@', a non-empty local part, a dotted domain,
/// no whitespace, control characters, quotes or angle brackets.
bool isEmailAddress(std::string_view s);
/// True for a canonical UUID (8-4-4-4-12 hex digits), the form Immich ids take.
bool isUuid(std::string_view s);
/// Untrusted text made safe to print on a terminal or in a line-based output: control
/// characters (CR, LF and escape sequences included) become visible escapes ("\r", "\n",
/// "\t", "\x1b"), so a file name can neither forge lines nor drive the terminal.
std::string escapeControl(std::string_view s);

/// A URL's user info (`https://user:password@host/...`), taken out of it.
struct UrlUserInfo {
    std::string url;       ///< the URL without user info
    std::string user;      ///< percent-decoded; empty when the URL had none
    std::string password;  ///< percent-decoded; empty when the URL had none
};
/// Splits the user info off `url` (scheme://[user[:password]@]host...). A URL without it comes
/// back unchanged, with empty user and password.
UrlUserInfo splitUserInfo(std::string_view url);

/// `s` with every byte that is not part of well-formed UTF-8 (a stray 8-bit byte, an overlong
/// or truncated sequence, a surrogate) replaced by U+FFFD, so that text from a peer can go into
/// JSON, the state and the log.
std::string validUtf8(std::string_view s);
/// A count with its noun in the right number: counted(1, "route") is "1 route",
/// counted(3, "route") "3 routes"; `plural` is for nouns that do not just take an "s".
std::string counted(std::uint64_t n, std::string_view singular, std::string_view plural = {});
/// Human size: "1.5 MB".
std::string humanBytes(std::uint64_t bytes);

}  // namespace pixsync
