// Writing the JSON state: streamed (no second copy of the state in memory) into a temporary
// file that replaces the old one only once it is complete and on disk.
#include <fcntl.h>
#include <rapidjson/filewritestream.h>
#include <rapidjson/writer.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/state_files.hpp"
#include "delivery_json.hpp"
#include "json_state_model.hpp"
#include "pixsync/bounded_json.hpp"
#include "pixsync/strings.hpp"

namespace pixsync::jsonstate {

namespace {

namespace fs = std::filesystem;
using Writer = rapidjson::Writer<rapidjson::FileWriteStream>;

using json::key;
using json::optionalText;
using json::text;

using DeliveryIt = std::map<DeliveryKey, Delivery>::const_iterator;

/// The end of the run of records sharing `first`'s route and asset.
DeliveryIt endOfAsset(DeliveryIt first, DeliveryIt end) {
    DeliveryIt it = first;
    while (it != end && it->first.route == first->first.route &&
           it->first.assetId == first->first.assetId)
        ++it;
    return it;
}

void writeSentLists(Writer& w, const StateModel& model) {
    key(w, "by_user");
    w.StartObject();
    const auto& all = model.deliveries;
    std::set<std::string> written;
    for (auto it = all.begin(); it != all.end();) {
        const std::string& route = it->first.route;
        key(w, route);
        written.insert(route);
        w.StartArray();
        while (it != all.end() && it->first.route == route) {
            DeliveryIt next = endOfAsset(it, all.end());
            if (belongsInSentList(it, next)) text(w, it->first.assetId);
            it = next;
        }
        w.EndArray();
    }
    for (const auto& route : model.byUserRoutes) {
        if (written.count(route)) continue;
        key(w, route);
        w.StartArray();
        w.EndArray();
    }
    w.EndObject();
}

void writeDeliveries(Writer& w, const StateModel& model) {
    key(w, "deliveries");
    w.StartObject();
    const auto& all = model.deliveries;
    for (auto it = all.begin(); it != all.end();) {
        const std::string& route = it->first.route;
        key(w, route);
        w.StartArray();
        for (; it != all.end() && it->first.route == route; ++it) {
            const Delivery& d = it->second;
            w.StartObject();
            json::writeDeliveryFields(w, it->first, d);
            w.EndObject();
        }
        w.EndArray();
    }
    w.EndObject();
}

void writeFavorites(Writer& w, const StateModel& model) {
    key(w, "favorites");
    w.StartObject();
    for (const auto& [route, known] : model.favorites) {
        key(w, route);
        w.StartArray();
        for (const auto& [id, favorite] : known) {
            w.StartObject();
            json::writeAssetFields(w, favorite.asset);
            key(w, "present");
            w.Bool(favorite.present);
            w.EndObject();
        }
        w.EndArray();
    }
    w.EndObject();
}

void writeCursorsPassesMeta(Writer& w, const StateModel& model) {
    key(w, "cursors");
    w.StartObject();
    for (const auto& [route, cursor] : model.cursors) {
        key(w, route);
        w.StartObject();
        key(w, "value");
        text(w, cursor.value);
        key(w, "last_full_listing");
        w.Int64(toUnixMillis(cursor.lastFullListing));
        w.EndObject();
    }
    w.EndObject();
    key(w, "passes");
    w.StartObject();
    for (const auto& [route, log] : model.passes) {
        key(w, route);
        w.StartArray();
        for (const auto& p : log) {
            w.StartObject();
            key(w, "started");
            w.Int64(toUnixMillis(p.started));
            key(w, "finished");
            w.Int64(toUnixMillis(p.finished));
            key(w, "full_listing");
            w.Bool(p.fullListing);
            key(w, "listed");
            w.Uint64(p.listed);
            key(w, "queued");
            w.Uint64(p.queued);
            key(w, "delivered");
            w.Uint64(p.delivered);
            key(w, "failed");
            w.Uint64(p.failed);
            optionalText(w, "error", p.error);
            w.EndObject();
        }
        w.EndArray();
    }
    w.EndObject();
    key(w, "meta");
    w.StartObject();
    for (const auto& [k, v] : model.meta) {
        key(w, k);
        text(w, v);
    }
    w.EndObject();
}

void writeDocument(Writer& w, const StateModel& model) {
    w.StartObject();
    writeSentLists(w, model);
    for (const auto& member : model.extra.GetObject()) {
        w.Key(member.name.GetString(), member.name.GetStringLength(), true);
        writeJsonValue(w, member.value);
    }
    key(w, "pixsync");
    w.StartObject();
    key(w, "version");
    w.Int(kFormatVersion);
    key(w, "generation");
    w.Uint64(model.generation);
    writeDeliveries(w, model);
    writeFavorites(w, model);
    writeCursorsPassesMeta(w, model);
    w.EndObject();
    w.EndObject();
}

/// The temporary file being written; removed unless it was renamed into place.
class PendingFile {
  public:
    explicit PendingFile(const fs::path& target) {
        std::string pattern = target.string() + ".tmp-XXXXXX";
        fd_ = ::mkstemp(pattern.data());
        if (fd_ < 0) throw failure(target, "cannot create a temporary file beside it");
        path_ = pattern;
        struct stat info {};
        // Keep the permissions the user gave the state file.
        if (::stat(target.c_str(), &info) == 0) ::fchmod(fd_, info.st_mode & 07777);
        file_ = ::fdopen(fd_, "wb");
        if (!file_) throw failure(target, "cannot write the temporary file");
    }
    ~PendingFile() {
        if (file_) std::fclose(file_);
        if (!path_.empty()) ::unlink(path_.c_str());
    }
    PendingFile(const PendingFile&) = delete;
    PendingFile& operator=(const PendingFile&) = delete;

    std::FILE* stream() const { return file_; }

    /// Flushes, syncs and renames over `target`; returns the size written.
    std::uint64_t commit(const fs::path& target) {
        if (std::fflush(file_) != 0 || std::ferror(file_))
            throw failure(target, "cannot write the temporary file");
        if (::fsync(fd_) != 0) throw failure(target, "cannot sync the temporary file");
        long size = std::ftell(file_);
        int closed = std::fclose(file_);
        file_ = nullptr;
        if (closed != 0) throw failure(target, "cannot close the temporary file");
        if (::rename(path_.c_str(), target.c_str()) != 0)
            throw failure(target, "cannot replace it with the new version");
        path_.clear();
        state::syncFolder(target);
        return size < 0 ? 0 : static_cast<std::uint64_t>(size);
    }

  private:
    static Error failure(const fs::path& target, const std::string& what) {
        return stateError(cat("cannot save the state file ", target.string(), ": ", what, " (",
                              std::strerror(errno), "); the previous version is intact"));
    }

    fs::path path_;
    int fd_ = -1;
    std::FILE* file_ = nullptr;
};

}  // namespace

bool belongsInSentList(DeliveryIt first, DeliveryIt last) {
    bool settled = false;
    for (auto it = first; it != last; ++it) {
        switch (it->second.status) {
            case DeliveryStatus::Delivered:
            case DeliveryStatus::Skipped:
                settled = true;
                break;
            case DeliveryStatus::Queued:
            case DeliveryStatus::Failed:
                return false;
        }
    }
    return settled;
}

std::uint64_t saveState(const StateModel& model, const fs::path& file) {
    PendingFile pending(file);
    char buffer[1 << 16];
    rapidjson::FileWriteStream stream(pending.stream(), buffer, sizeof buffer);
    Writer writer(stream);
    writeDocument(writer, model);
    stream.Flush();
    return pending.commit(file);
}

}  // namespace pixsync::jsonstate
