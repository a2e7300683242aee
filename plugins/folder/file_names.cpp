#include "file_names.hpp"

#include <array>
#include <utility>

#include "pixsync/util/strings.hpp"

namespace pixsync::folder {

namespace {

bool isPlain(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

/// "YYYY-MM-DD" from the start of an ISO 8601 time, or "undated".
std::string takenDate(std::string_view takenAt) {
    if (takenAt.size() < 10) return "undated";
    for (std::size_t i = 0; i < 10; ++i) {
        const bool dash = i == 4 || i == 7;
        if (dash ? takenAt[i] != '-' : !isDigit(takenAt[i])) return "undated";
    }
    return std::string(takenAt.substr(0, 10));
}

/// The last path component of a name a source reported (it may hold '/' or '\').
std::string_view baseName(std::string_view name) {
    const auto slash = name.find_last_of("/\\");
    return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

}  // namespace

std::string addressProblem(std::string_view address) {
    if (address.empty()) return "the folder name is empty";
    if (address.front() == '/')
        return cat("'", address, "' is an absolute path; give a folder name below root");
    for (const unsigned char c : address)
        if (c < 0x20 || c == 0x7f) return "the folder name contains control characters";
    for (const auto& part : split(address, '/')) {
        if (part.empty()) return cat("'", address, "' has an empty path component");
        if (part == "." || part == "..")
            return cat("'", address, "' contains '", part, "'; it must stay below root");
        if (part.size() > 255)
            return cat("a component of '", address.substr(0, 40), "...' is too long");
    }
    return {};
}

std::string sanitizeStem(std::string_view text, std::size_t maxLength) {
    std::string out;
    bool lastWasReplacement = false;
    for (const char c : text) {
        if (isPlain(c)) {
            out += c;
            lastWasReplacement = false;
        } else if (!lastWasReplacement) {
            out += '_';
            lastWasReplacement = true;
        }
    }
    const auto start = out.find_first_not_of("._");
    out = start == std::string::npos ? std::string() : out.substr(start);
    if (out.size() > maxLength) out.resize(maxLength);
    while (!out.empty() && (out.back() == '.' || out.back() == '_')) out.pop_back();
    return out.empty() ? "photo" : out;
}

std::string deliveredFileName(const Asset& asset, std::string_view extension) {
    std::string_view name = baseName(asset.fileName);
    if (const auto dot = name.rfind('.'); dot != std::string_view::npos && dot > 0)
        name = name.substr(0, dot);
    std::string id;
    for (const char c : asset.id) {
        if (id.size() == 8) break;
        if (isPlain(c) && c != '.') id += c;
    }
    if (id.empty()) id = "noid";
    return cat(takenDate(asset.takenAt), "_", sanitizeStem(name), "_", id, extension);
}

bool isDeliveredFileName(std::string_view name) {
    if (name.empty() || name.size() > 255 || name.front() == '.') return false;
    for (const char c : name)
        if (!isPlain(c)) return false;
    return true;
}

std::string videoExtension(const Asset& asset, std::string_view mimeType) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 8> known{{
        {"video/mp4", ".mp4"},
        {"video/quicktime", ".mov"},
        {"video/webm", ".webm"},
        {"video/x-matroska", ".mkv"},
        {"video/x-msvideo", ".avi"},
        {"video/3gpp", ".3gp"},
        {"video/x-m4v", ".m4v"},
        {"video/mpeg", ".mpg"},
    }};
    const std::string type = toLower(mimeType);
    for (const auto& [mime, extension] : known)
        if (type == mime) return std::string(extension);
    const std::string_view name = baseName(asset.fileName);
    if (const auto dot = name.rfind('.'); dot != std::string_view::npos && dot > 0) {
        const std::string_view extension = name.substr(dot + 1);
        bool plain = !extension.empty() && extension.size() <= 5;
        for (const char c : extension)
            plain = plain && isPlain(c) && c != '.' && c != '-' && c != '_';
        if (plain) return "." + toLower(extension);
    }
    return ".video";
}

}  // namespace pixsync::folder
