// Writing the JSON state: streamed (no second copy of the state in memory) into a temporary
// file that replaces the old one only once it is complete and on disk.
#include <fcntl.h>
#include <rapidjson/writer.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <system_error>

#include "delivery_json.hpp"
#include "json_state_model.hpp"
#include "pixsync/util/atomic_file.hpp"
#include "pixsync/util/bounded_json.hpp"
#include "pixsync/util/private_file.hpp"
#include "pixsync/util/strings.hpp"
#include "state-common/state_files.hpp"

namespace pixsync::jsonstate {

namespace {

namespace fs = std::filesystem;

/// rapidjson's output stream into an AtomicFile, buffered.
class AtomicFileStream {
  public:
    using Ch = char;
    explicit AtomicFileStream(AtomicFile& file) : file_(file) { buffer_.reserve(kBufferSize); }
    void Put(char c) {
        buffer_.push_back(c);
        if (buffer_.size() == kBufferSize) Flush();
    }
    void Flush() {
        file_.write(buffer_);
        buffer_.clear();
    }

  private:
    static constexpr std::size_t kBufferSize = 1 << 16;
    AtomicFile& file_;
    std::string buffer_;
};

using Writer = rapidjson::Writer<AtomicFileStream>;

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
    try {
        AtomicFile pending(file);
        AtomicFileStream stream(pending);
        Writer writer(stream);
        writeDocument(writer, model);
        stream.Flush();
        // Keep the permissions the user gave the state file; a new one is private.
        struct stat info {};
        pending.commit(::stat(file.c_str(), &info) == 0 ? info.st_mode & 07777 : kPrivateFileMode);
        return pending.size();
    } catch (const std::system_error& e) {
        throw stateError(cat("cannot save the state file ", file.string(), ": ", e.what(),
                             "; the previous version is intact"));
    }
}

}  // namespace pixsync::jsonstate
