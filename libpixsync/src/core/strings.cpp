#include "pixsync/util/strings.hpp"

#include <cctype>
#include <cstdio>

namespace pixsync {

namespace {
bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool isHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
}  // namespace

std::string trim(std::string_view s) {
    std::size_t b = 0, e = s.size();
    while (b < e && isSpace(s[b])) ++b;
    while (e > b && isSpace(s[e - 1])) --e;
    return std::string(s.substr(b, e - b));
}

std::string toLower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string toUpper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::vector<std::string> split(std::string_view s, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        std::size_t pos = s.find(separator, start);
        parts.emplace_back(s.substr(start, pos == std::string_view::npos ? s.npos : pos - start));
        if (pos == std::string_view::npos) break;
        start = pos + 1;
    }
    return parts;
}

std::string counted(std::uint64_t n, std::string_view singular, std::string_view plural) {
    if (n == 1) return cat(n, " ", singular);
    return plural.empty() ? cat(n, " ", singular, "s") : cat(n, " ", plural);
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i) out += separator;
        out += parts[i];
    }
    return out;
}

bool isEmailAddress(std::string_view s) {
    if (s.empty() || s.size() > 254) return false;
    std::size_t at = s.find('@');
    if (at == 0 || at == s.npos || s.find('@', at + 1) != s.npos) return false;
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || c == '"' || c == '<' || c == '>' || c == '(' || c == ')' ||
            c == ',' || c == ';' || c == ':' || c == '\\' || c == '[' || c == ']')
            return false;
    }
    std::string_view domain = s.substr(at + 1);
    std::size_t dot = domain.find('.');
    if (dot == 0 || dot == domain.npos || domain.back() == '.' || domain.find("..") != domain.npos)
        return false;
    return true;
}

bool isUuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') return false;
        } else if (!isHex(s[i])) {
            return false;
        }
    }
    return true;
}

std::string escapeControl(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u != 0x7f) {
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else {
            static constexpr char kHex[] = "0123456789abcdef";
            out += "\\x";
            out += kHex[u >> 4];
            out += kHex[u & 15];
        }
    }
    return out;
}

namespace {
std::string percentDecoded(std::string_view s) {
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}
}  // namespace

UrlUserInfo splitUserInfo(std::string_view url) {
    UrlUserInfo out{std::string(url), {}, {}};
    const std::size_t scheme = url.find("://");
    if (scheme == std::string_view::npos) return out;
    const std::size_t start = scheme + 3;
    std::size_t end = url.find_first_of("/?#", start);
    if (end == std::string_view::npos) end = url.size();
    // The last '@' of the authority ends the user info (a password may hold an '@' too).
    const std::size_t at = url.substr(start, end - start).rfind('@');
    if (at == std::string_view::npos) return out;
    const std::string_view info = url.substr(start, at);
    const std::size_t colon = info.find(':');
    out.user = percentDecoded(info.substr(0, colon));
    if (colon != std::string_view::npos) out.password = percentDecoded(info.substr(colon + 1));
    out.url = cat(url.substr(0, start), url.substr(start + at + 1));
    return out;
}

std::string validUtf8(std::string_view s) {
    static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        // The length of the sequence b starts and the range of its second byte (RFC 3629).
        std::size_t length = 0;
        unsigned char low = 0x80, high = 0xBF;
        if (b < 0x80)
            length = 1;
        else if (b >= 0xC2 && b <= 0xDF)
            length = 2;
        else if (b == 0xE0)
            length = 3, low = 0xA0;
        else if (b == 0xED)
            length = 3, high = 0x9F;
        else if (b >= 0xE1 && b <= 0xEF)
            length = 3;
        else if (b == 0xF0)
            length = 4, low = 0x90;
        else if (b == 0xF4)
            length = 4, high = 0x8F;
        else if (b >= 0xF1 && b <= 0xF3)
            length = 4;
        bool ok = length > 0 && i + length <= s.size();
        for (std::size_t k = 1; ok && k < length; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            ok = k == 1 ? c >= low && c <= high : c >= 0x80 && c <= 0xBF;
        }
        if (ok) {
            out.append(s.substr(i, length));
            i += length;
        } else {
            out += kReplacement;
            ++i;
        }
    }
    return out;
}

std::string humanBytes(std::uint64_t bytes) {
    const char* units[] = {"B", "KB", "MB", "GB", "TB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1024.0 && u < 4) {
        v /= 1024.0;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    return buf;
}

}  // namespace pixsync
