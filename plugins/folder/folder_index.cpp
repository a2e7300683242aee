#include "folder_index.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <system_error>

#include "atomic_file.hpp"
#include "pixsync/error.hpp"
#include "pixsync/options.hpp"
#include "pixsync/util/private_file.hpp"
#include "pixsync/util/small_file.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::folder {

namespace {

// About 100 bytes per delivered file: room for half a million.
constexpr std::uint64_t kMaxIndexBytes = 64 * 1024 * 1024;

}  // namespace

FolderIndex::FolderIndex(std::filesystem::path folder, const Logger& log)
    : folder_(std::move(folder)) {
    const auto file = folder_ / kIndexFileName;
    std::string text;
    try {
        text = readSmallFile(file, kMaxIndexBytes);
    } catch (const std::system_error& e) {
        if (e.code() == std::errc::no_such_file_or_directory) return;  // a new folder
        log.warning(cat(e.what(), "; starting a new index (files already there stay)"));
        return;
    }
    try {
        const Options index = Options::parse(text, file.string());
        // visitStrings walks the object once; looking each key up would be quadratic.
        index.object("files").visitStrings([&](std::string_view id, std::string_view name) {
            entries_[std::string(id)].file = name;
        });
        // Version 1 has no "routes": its entries keep an empty set. A route naming an asset
        // without a file is dropped.
        index.object("routes").visitStrings([&](std::string_view id, std::string_view route) {
            if (const auto it = entries_.find(std::string(id)); it != entries_.end())
                it->second.routes.emplace(route);
        });
    } catch (const Error& e) {
        log.warning(cat(e.what(), "; starting a new index (files already there stay)"));
        entries_.clear();
    }
}

std::optional<std::string> FolderIndex::fileFor(const std::string& assetId) const {
    const auto it = entries_.find(assetId);
    if (it == entries_.end()) return std::nullopt;
    return it->second.file;
}

void FolderIndex::set(const std::string& assetId, const std::string& fileName,
                      const std::string& route) {
    IndexEntry& entry = entries_[assetId];
    if (entry.file == fileName && entry.routes.contains(route)) return;
    entry.file = fileName;
    entry.routes.insert(route);
    ++pending_;
}

void FolderIndex::addRoute(const std::string& assetId, const std::string& route) {
    if (const auto it = entries_.find(assetId); it != entries_.end())
        if (it->second.routes.insert(route).second) ++pending_;
}

void FolderIndex::removeRoute(const std::string& assetId, const std::string& route) {
    if (const auto it = entries_.find(assetId); it != entries_.end())
        if (it->second.routes.erase(route)) ++pending_;
}

void FolderIndex::erase(const std::string& assetId) {
    if (entries_.erase(assetId)) ++pending_;
}

std::string FolderIndex::toJson() const {
    // Routes sit in an object of their own beside "files" (rather than inside each entry) so
    // that "files" keeps the shape version 1 had: an older pixsync still reads this index.
    rapidjson::StringBuffer buffer;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
    w.SetIndent(' ', 2);
    w.SetFormatOptions(rapidjson::kFormatSingleLineArray);
    auto string = [&](const std::string& text) {
        w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
    };
    w.StartObject();
    w.Key("version");
    w.Int(2);
    w.Key("files");
    w.StartObject();
    for (const auto& [id, entry] : entries_) {
        string(id);
        string(entry.file);
    }
    w.EndObject();
    w.Key("routes");
    w.StartObject();
    for (const auto& [id, entry] : entries_) {
        if (entry.routes.empty()) continue;
        string(id);
        w.StartArray();
        for (const auto& route : entry.routes) string(route);
        w.EndArray();
    }
    w.EndObject();
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

void FolderIndex::save() {
    if (pending_ == 0) return;
    writeFileAtomically(toJson(), folder_ / kIndexFileName, kPrivateFileMode);
    pending_ = 0;
}

}  // namespace pixsync::folder
