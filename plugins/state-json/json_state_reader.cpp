// Strict reading of the JSON state: every field is type-checked, and any surprise is an
// Error(State) naming the field, because a state read wrongly is a state that resends photos.

#include "delivery_json.hpp"
#include "field_reader.hpp"
#include "json_state_model.hpp"
#include "pixsync/util/bounded_json.hpp"
#include "pixsync/util/strings.hpp"
#include "state-common/original_state.hpp"
#include "state-common/state_files.hpp"

namespace pixsync::jsonstate {

namespace {

namespace fs = std::filesystem;
using rapidjson::Value;

std::string nameOf(const Value& name) {
    return std::string(name.GetString(), name.GetStringLength());
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
            DeliveryKey key{routeId, "", ""};
            Delivery d = json::readDelivery(in, v, where, key);
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
            Favorite f{json::readAsset(in, v, where), in.boolean(v, "present", where, true)};
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
                        fromUnixMillis(in.unixMillis(route.value, "last_full_listing", where))};
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
            p.started = fromUnixMillis(in.unixMillis(v, "started", where));
            p.finished = fromUnixMillis(in.unixMillis(v, "finished", where));
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
    model.generation = in.uint64(section, "generation", "pixsync");
    readDeliveries(in, section, model);
    readFavorites(in, section, model);
    readCursors(in, section, model);
    readPasses(in, section, model);
    readMeta(in, section, model);
}

}  // namespace

StateModel parseState(const fs::path& file, std::string text) {
    rapidjson::Document document = state::parseStateJson(file, text);
    FieldReader in(
        [&file](const std::string& problem) { return state::unusableState(file, problem); });
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
            copyJsonValue(member.value, allocator), allocator);
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
