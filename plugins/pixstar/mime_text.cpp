#include "mime_text.hpp"

#include <Poco/Base64Encoder.h>

#include <sstream>
#include <vector>

namespace pixsync::pixstar {

namespace {

/// Length of the UTF-8 sequence starting at `i`, or 0 when it is not valid UTF-8.
std::size_t utf8SequenceLength(std::string_view s, std::size_t i) {
    const auto lead = static_cast<unsigned char>(s[i]);
    std::size_t length = 0;
    if (lead < 0x80) return 1;
    if (lead >= 0xC2 && lead <= 0xDF)
        length = 2;
    else if (lead >= 0xE0 && lead <= 0xEF)
        length = 3;
    else if (lead >= 0xF0 && lead <= 0xF4)
        length = 4;
    else
        return 0;
    if (i + length > s.size()) return 0;
    for (std::size_t k = 1; k < length; ++k)
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
    return length;
}

/// Splits valid UTF-8 characters; invalid bytes become "_".
std::vector<std::string> characters(std::string_view s) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8SequenceLength(s, i);
        if (n == 0) {
            out.emplace_back("_");
            ++i;
        } else {
            out.emplace_back(s.substr(i, n));
            i += n;
        }
    }
    return out;
}

bool isControl(const std::string& c) {
    if (c.size() != 1) return false;
    const auto b = static_cast<unsigned char>(c[0]);
    return b < 0x20 || b == 0x7F;
}

std::string base64(std::string_view bytes) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    encoder.close();
    return out.str();
}

std::string joinCharacters(const std::vector<std::string>& chars, std::size_t from,
                           std::size_t to) {
    std::string out;
    for (std::size_t i = from; i < to; ++i) out += chars[i];
    return out;
}

}  // namespace

std::string singleLine(std::string_view untrusted) {
    std::string out;
    for (auto& c : characters(untrusted)) out += isControl(c) ? std::string(" ") : c;
    return out;
}

bool isPlainAscii(std::string_view text) {
    for (char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x20 || b >= 0x7F) return false;
    }
    return true;
}

std::string safeFileName(std::string_view untrusted, std::string_view newExtension,
                         std::size_t maxBytes) {
    std::vector<std::string> kept;
    for (auto& c : characters(untrusted)) {
        if (isControl(c) || c == "\"" || c == "'" || c == "/" || c == "\\") continue;
        if (c == "." && !kept.empty() && kept.back() == ".") continue;  // no ".." left behind
        kept.push_back(std::move(c));
    }
    // No hidden files and nothing that reads as a relative path.
    std::size_t first = 0;
    while (first < kept.size() && (kept[first] == "." || kept[first] == " ")) ++first;
    std::size_t last = kept.size();
    while (last > first && (kept[last - 1] == " " || kept[last - 1] == ".")) --last;
    std::vector<std::string> name(kept.begin() + static_cast<std::ptrdiff_t>(first),
                                  kept.begin() + static_cast<std::ptrdiff_t>(last));

    // Split off the extension (a short ASCII tail after the last dot).
    std::size_t dot = name.size();
    for (std::size_t i = name.size(); i-- > 0;) {
        if (name[i] == ".") {
            dot = i;
            break;
        }
    }
    std::string extension;
    std::size_t stemEnd = name.size();
    if (dot < name.size() && dot > 0 && name.size() - dot <= 10) {
        extension = joinCharacters(name, dot, name.size());
        if (!isPlainAscii(extension))
            extension.clear();
        else
            stemEnd = dot;
    }
    if (!newExtension.empty()) extension = std::string(newExtension);
    if (extension.size() >= maxBytes) extension.clear();

    std::string stem;
    for (std::size_t i = 0; i < stemEnd; ++i) {
        if (stem.size() + name[i].size() + extension.size() > maxBytes) break;
        stem += name[i];
    }
    while (!stem.empty() && stem.back() == ' ') stem.pop_back();
    if (stem.empty()) stem = "photo";
    return stem + extension;
}

std::string encodeHeaderWords(std::string_view utf8) {
    if (isPlainAscii(utf8)) return std::string(utf8);
    static constexpr std::string_view kPrefix = "=?UTF-8?B?";
    static constexpr std::string_view kSuffix = "?=";
    // 75 characters per word: 12 for prefix and suffix leave 63 for base64, i.e. 45 bytes.
    static constexpr std::size_t kMaxBytesPerWord = 45;
    const auto chars = characters(utf8);
    std::string out;
    std::string chunk;
    auto flush = [&] {
        if (chunk.empty()) return;
        if (!out.empty()) out += ' ';
        out += kPrefix;
        out += base64(chunk);
        out += kSuffix;
        chunk.clear();
    };
    for (const auto& c : chars) {
        const std::string safe = isControl(c) ? std::string(" ") : c;
        if (chunk.size() + safe.size() > kMaxBytesPerWord) flush();
        chunk += safe;
    }
    flush();
    return out;
}

std::string expandTemplate(std::string_view templ, std::string_view user, std::string_view file) {
    std::string out;
    for (std::size_t i = 0; i < templ.size();) {
        if (templ.substr(i, 6) == "{user}") {
            out += user;
            i += 6;
        } else if (templ.substr(i, 6) == "{file}") {
            out += file;
            i += 6;
        } else {
            out += templ[i++];
        }
    }
    return out;
}

}  // namespace pixsync::pixstar
