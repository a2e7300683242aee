#include "folder_index.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "atomic_file.hpp"
#include "pixsync/error.hpp"
#include "pixsync/options.hpp"
#include "pixsync/strings.hpp"

namespace pixsync::folder {

namespace {

/// A JSON string literal.
std::string jsonString(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char escaped[8];
                    std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
                    out += escaped;
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

}  // namespace

FolderIndex::FolderIndex(std::filesystem::path folder, const Logger& log)
    : folder_(std::move(folder)) {
    const auto file = folder_ / kIndexFileName;
    std::ifstream in(file, std::ios::binary);
    if (!in) return;
    std::ostringstream text;
    text << in.rdbuf();
    try {
        const Options index = Options::parse(text.str(), file.string());
        // visitStrings walks the object once; looking each key up would be quadratic.
        index.object("files").visitStrings([&](std::string_view id, std::string_view name) {
            entries_.emplace(std::string(id), std::string(name));
        });
    } catch (const Error& e) {
        log.warning(cat(e.what(), "; starting a new index (files already there stay)"));
        entries_.clear();
    }
}

std::optional<std::string> FolderIndex::fileFor(const std::string& assetId) const {
    const auto it = entries_.find(assetId);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
}

void FolderIndex::set(const std::string& assetId, const std::string& fileName) {
    auto [it, inserted] = entries_.try_emplace(assetId, fileName);
    if (!inserted && it->second == fileName) return;
    it->second = fileName;
    ++pending_;
}

void FolderIndex::erase(const std::string& assetId) {
    if (entries_.erase(assetId)) ++pending_;
}

std::string FolderIndex::toJson() const {
    std::string out = "{\n  \"version\": 1,\n  \"files\": {";
    bool first = true;
    for (const auto& [id, name] : entries_) {
        out += first ? "\n    " : ",\n    ";
        out += jsonString(id) + ": " + jsonString(name);
        first = false;
    }
    return out + (first ? "}\n}\n" : "\n  }\n}\n");
}

void FolderIndex::save() {
    if (pending_ == 0) return;
    writeFileAtomically(toJson(), folder_ / kIndexFileName);
    pending_ = 0;
}

}  // namespace pixsync::folder
