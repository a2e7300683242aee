// Strict reading of the JSON state: every field is type-checked, and any surprise is an
// Error(State) naming the field, because a state read wrongly is a state that resends photos.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <limits>

#include "common/original_state.hpp"
#include "common/state_files.hpp"
#include "json_state_model.hpp"
#include "pixsync/strings.hpp"

namespace pixsync::jsonstate {

namespace {

namespace fs = std::filesystem;
using rapidjson::Value;

/// Field access that reports the field's path on any type mismatch.
class FieldReader {
  public:
    explicit FieldReader(const fs::path& file) : file_(file) {}

    [[noreturn]] void fail(const std::string& where, const std::string& what) const {
        throw state::unusableState(file_, cat(where, " ", what));
    }

    const Value& object(const Value& v, const std::string& where) const {
        if (!v.IsObject()) fail(where, "is not an object");
        return v;
    }
    const Value& array(const Value& v, const std::string& where) const {
        if (!v.IsArray()) fail(where, "is not a list");
        return v;
    }
    /// A member that may be missing (nullptr) but must be of the right kind when present.
    const Value* member(const Value& obj, const char* key) const {
        auto it = obj.FindMember(key);
        return it == obj.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
    }
    std::string string(const Value& obj, const char* key, const std::string& where,
                       bool required = false) const {
        const Value* v = member(obj, key);
        if (!v) {
            if (required) fail(cat(where, ".", key), "is missing");
            return {};
        }
        if (!v->IsString()) fail(cat(where, ".", key), "is not a string");
        std::string s(v->GetString(), v->GetStringLength());
        if (required && s.empty()) fail(cat(where, ".", key), "is empty");
        return s;
    }
    std::int64_t int64(const Value& obj, const char* key, const std::string& where) const {
        const Value* v = member(obj, key);
        if (!v) return 0;
        if (!v->IsInt64()) fail(cat(where, ".", key), "is not an integer");
        return v->GetInt64();
    }
    std::uint64_t uint64(const Value& obj, const char* key, const std::string& where) const {
        const Value* v = member(obj, key);
        if (!v) return 0;
        if (!v->IsUint64()) fail(cat(where, ".", key), "is not a non-negative integer");
        return v->GetUint64();
    }
    int smallInt(const Value& obj, const char* key, const std::string& where) const {
        std::int64_t n = int64(obj, key, where);
        if (n < 0 || n > std::numeric_limits<int>::max())
            fail(cat(where, ".", key), "is out of range");
        return static_cast<int>(n);
    }
    bool boolean(const Value& obj, const char* key, const std::string& where, bool fallback) const {
        const Value* v = member(obj, key);
        if (!v) return fallback;
        if (!v->IsBool()) fail(cat(where, ".", key), "is not true or false");
        return v->GetBool();
    }

  private:
    const fs::path& file_;
};

/// A copy that owns its strings. Value's copy constructor shares "const" strings, which
/// after an in-place parse point into the text buffer, gone once parsing is over.
Value deepCopy(const Value& v, rapidjson::Document::AllocatorType& allocator) {
    rapidjson::StringBuffer text;
    rapidjson::Writer<rapidjson::StringBuffer> writer(text);
    v.Accept(writer);
    rapidjson::Document copy(&allocator);
    copy.Parse(text.GetString(), text.GetSize());
    Value result;
    result.Swap(copy);
    return result;
}

std::string nameOf(const Value& name) {
    return std::string(name.GetString(), name.GetStringLength());
}

Asset readAsset(const FieldReader& in, const Value& v, const std::string& where) {
    in.object(v, where);
    Asset a;
    a.id = in.string(v, "id", where, true);
    a.checksum = in.string(v, "checksum", where);
    a.fileName = in.string(v, "file_name", where);
    a.mimeType = in.string(v, "mime_type", where);
    a.kind = assetKindFromString(in.string(v, "kind", where));
    a.takenAt = in.string(v, "taken_at", where);
    a.updatedAt = in.string(v, "updated_at", where);
    a.owner = in.string(v, "owner", where);
    a.sizeBytes = in.uint64(v, "size", where);
    return a;
}

void readDeliveries(const FieldReader& in, const Value& section, StateModel& model) {
    const Value* all = in.member(section, "deliveries");
    if (!all) return;
    in.object(*all, "pixsync.deliveries");
    for (const auto& route : all->GetObject()) {
        std::string routeId = nameOf(route.name);
        std::string routeWhere = cat("pixsync.deliveries[\"", routeId, "\"]");
        in.array(route.value, routeWhere);
        rapidjson::SizeType i = 0;
        for (const auto& v : route.value.GetArray()) {
            std::string where = cat(routeWhere, "[", i++, "]");
            in.object(v, where);
            DeliveryKey key{routeId, in.string(v, "asset_id", where, true),
                            in.string(v, "destination", where, true)};
            Delivery d;
            std::string status = in.string(v, "status", where, true);
            try {
                d.status = deliveryStatusFromString(status);
            } catch (const Error&) {
                in.fail(cat(where, ".status"), cat("is not a delivery status ('", status, "')"));
            }
            d.checksum = in.string(v, "checksum", where);
            d.sink = in.string(v, "sink", where);
            d.detail = in.string(v, "detail", where);
            d.attempts = in.smallInt(v, "attempts", where);
            d.nextAttempt = in.int64(v, "next_attempt", where);
            d.updated = in.int64(v, "updated", where);
            d.bytes = in.uint64(v, "bytes", where);
            if (const Value* asset = in.member(v, "asset"))
                d.asset = std::make_unique<Asset>(readAsset(in, *asset, cat(where, ".asset")));
            d.sequence = model.nextSequence++;
            if (!model.deliveries.emplace(std::move(key), std::move(d)).second)
                in.fail(where, "repeats a delivery listed earlier");
        }
    }
}

void readFavorites(const FieldReader& in, const Value& section, StateModel& model) {
    const Value* all = in.member(section, "favorites");
    if (!all) return;
    in.object(*all, "pixsync.favorites");
    for (const auto& route : all->GetObject()) {
        std::string routeId = nameOf(route.name);
        std::string routeWhere = cat("pixsync.favorites[\"", routeId, "\"]");
        in.array(route.value, routeWhere);
        auto& known = model.favorites[routeId];
        rapidjson::SizeType i = 0;
        for (const auto& v : route.value.GetArray()) {
            std::string where = cat(routeWhere, "[", i++, "]");
            Favorite f{readAsset(in, v, where), in.boolean(v, "present", where, true)};
            std::string id = f.asset.id;
            known.insert_or_assign(std::move(id), std::move(f));
        }
    }
}

void readCursors(const FieldReader& in, const Value& section, StateModel& model) {
    const Value* all = in.member(section, "cursors");
    if (!all) return;
    in.object(*all, "pixsync.cursors");
    for (const auto& route : all->GetObject()) {
        std::string routeId = nameOf(route.name);
        std::string where = cat("pixsync.cursors[\"", routeId, "\"]");
        in.object(route.value, where);
        model.cursors[routeId] =
            RouteCursor{in.string(route.value, "value", where),
                        fromUnixMillis(in.int64(route.value, "last_full_listing", where))};
    }
}

void readPasses(const FieldReader& in, const Value& section, StateModel& model) {
    const Value* all = in.member(section, "passes");
    if (!all) return;
    in.object(*all, "pixsync.passes");
    for (const auto& route : all->GetObject()) {
        std::string routeId = nameOf(route.name);
        std::string routeWhere = cat("pixsync.passes[\"", routeId, "\"]");
        in.array(route.value, routeWhere);
        auto& log = model.passes[routeId];
        rapidjson::SizeType i = 0;
        for (const auto& v : route.value.GetArray()) {
            std::string where = cat(routeWhere, "[", i++, "]");
            in.object(v, where);
            PassRecord p;
            p.route = routeId;
            p.started = fromUnixMillis(in.int64(v, "started", where));
            p.finished = fromUnixMillis(in.int64(v, "finished", where));
            p.fullListing = in.boolean(v, "full_listing", where, false);
            p.listed = in.uint64(v, "listed", where);
            p.queued = in.uint64(v, "queued", where);
            p.delivered = in.uint64(v, "delivered", where);
            p.failed = in.uint64(v, "failed", where);
            p.error = in.string(v, "error", where);
            log.push_back(std::move(p));
        }
        while (log.size() > kPassesKept) log.pop_front();
    }
}

void readMeta(const FieldReader& in, const Value& section, StateModel& model) {
    const Value* all = in.member(section, "meta");
    if (!all) return;
    in.object(*all, "pixsync.meta");
    for (const auto& entry : all->GetObject()) {
        std::string key = nameOf(entry.name);
        if (!entry.value.IsString()) in.fail(cat("pixsync.meta[\"", key, "\"]"), "is not a string");
        model.meta[key] = std::string(entry.value.GetString(), entry.value.GetStringLength());
    }
}

void readSection(const FieldReader& in, const fs::path& file, const Value& section,
                 StateModel& model) {
    in.object(section, "\"pixsync\"");
    const Value* version = in.member(section, "version");
    if (!version || !version->IsInt()) in.fail("pixsync.version", "is missing or not an integer");
    if (version->GetInt() > kFormatVersion)
        throw stateError(cat("state file ", file.string(),
                             " was written by a newer pixsync (format ", version->GetInt(),
                             ", this one knows up to ", kFormatVersion,
                             "): upgrade pixsync, or restore a backup"));
    if (version->GetInt() < 1) in.fail("pixsync.version", "is not a known format version");
    readDeliveries(in, section, model);
    readFavorites(in, section, model);
    readCursors(in, section, model);
    readPasses(in, section, model);
    readMeta(in, section, model);
}

}  // namespace

StateModel parseState(const fs::path& file, std::string text) {
    rapidjson::Document document = state::parseStateJson(file, text);
    FieldReader in(file);
    StateModel model;
    state::SentByRoute sent = state::readSentByRoute(document, file);
    for (auto& member : document.GetObject()) {
        std::string name = nameOf(member.name);
        if (name == "by_user") continue;
        if (name == "pixsync") {
            readSection(in, file, member.value, model);
            continue;
        }
        auto& allocator = model.extra.GetAllocator();
        model.extra.AddMember(
            rapidjson::Value(name.c_str(), static_cast<rapidjson::SizeType>(name.size()),
                             allocator),
            deepCopy(member.value, allocator), allocator);
    }
    // An id in by_user that pixsync holds no record for was sent by the original service
    // (or by it again, after pixsync last wrote): it covers every destination of the route.
    for (auto& [route, ids] : sent) {
        model.byUserRoutes.insert(route);
        for (auto& id : ids) {
            auto it = model.deliveries.lower_bound(DeliveryKey{route, id, ""});
            if (it != model.deliveries.end() && it->first.route == route && it->first.assetId == id)
                continue;
            Delivery d;
            d.status = DeliveryStatus::Delivered;
            d.sequence = model.nextSequence++;
            model.deliveries.emplace(
                DeliveryKey{route, std::move(id), std::string(kAllDestinations)}, std::move(d));
        }
    }
    return model;
}

}  // namespace pixsync::jsonstate
