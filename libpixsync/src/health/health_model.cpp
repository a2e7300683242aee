// The health model and how it is kept with the state for `pixsync status`.
#include "pixsync/host/health_model.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <ctime>

#include "pixsync/state_store.hpp"
#include "pixsync/util/bounded_json.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync {

namespace {

// One record, rewritten by the engine when the health changes.
const std::string kHealthMetaKey = "health";

void writeComponent(rapidjson::Writer<rapidjson::StringBuffer>& w, const ComponentHealth& c) {
    auto str = [&](const char* key, const std::string& v) {
        w.Key(key);
        w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
    };
    auto time = [&](const char* key, const std::optional<TimePoint>& t) {
        if (!t) return;
        w.Key(key);
        w.Int64(toUnixMillis(*t));
    };
    w.StartObject();
    str("name", c.name);
    str("state", toString(c.state));
    str("reason", c.reason);
    time("since", c.since);
    time("until", c.until);
    time("last_success", c.lastSuccess);
    w.Key("per_minute");
    w.Uint(c.perMinute);
    w.Key("per_day");
    w.Uint(c.perDay);
    w.EndObject();
}

std::optional<HealthState> stateFromString(const std::string& s) {
    for (auto st : {HealthState::Ok, HealthState::Failing, HealthState::Held,
                    HealthState::RateLimited, HealthState::QuotaPaused})
        if (s == toString(st)) return st;
    return std::nullopt;
}

bool readComponents(const rapidjson::Value& array, std::vector<ComponentHealth>& out) {
    if (!array.IsArray()) return false;
    for (const auto& v : array.GetArray()) {
        if (!v.IsObject() || !v.HasMember("name") || !v["name"].IsString() ||
            !v.HasMember("state") || !v["state"].IsString())
            return false;
        ComponentHealth c;
        c.name = v["name"].GetString();
        auto state = stateFromString(v["state"].GetString());
        if (!state) return false;
        c.state = *state;
        if (v.HasMember("reason") && v["reason"].IsString()) c.reason = v["reason"].GetString();
        auto time = [&](const char* key, std::optional<TimePoint>& t) {
            if (v.HasMember(key) && v[key].IsInt64()) t = fromUnixMillis(v[key].GetInt64());
        };
        time("since", c.since);
        time("until", c.until);
        time("last_success", c.lastSuccess);
        if (v.HasMember("per_minute") && v["per_minute"].IsUint())
            c.perMinute = v["per_minute"].GetUint();
        if (v.HasMember("per_day") && v["per_day"].IsUint()) c.perDay = v["per_day"].GetUint();
        out.push_back(std::move(c));
    }
    return true;
}

}  // namespace

const char* toString(HealthState state) noexcept {
    switch (state) {
        case HealthState::Ok:
            return "ok";
        case HealthState::Failing:
            return "failing";
        case HealthState::Held:
            return "held";
        case HealthState::RateLimited:
            return "rate-limited";
        case HealthState::QuotaPaused:
            return "quota-paused";
    }
    return "failing";
}

bool HealthReport::ok() const {
    for (const auto* list : {&sinks, &routes})
        for (const auto& c : *list)
            if (isFailing(c.state)) return false;
    return true;
}

std::string describe(const ComponentHealth& h) {
    auto withReason = [&](std::string text) {
        return h.reason.empty() ? text : cat(text, ": ", h.reason);
    };
    switch (h.state) {
        case HealthState::Ok:
            return "ok";
        case HealthState::Failing:
        case HealthState::Held:
            return withReason(h.since ? cat(toString(h.state), " since ", isoUtc(*h.since))
                                      : std::string(toString(h.state)));
        case HealthState::RateLimited:
        case HealthState::QuotaPaused:
            return withReason(h.until ? cat(toString(h.state), " until ", isoUtc(*h.until))
                                      : std::string(toString(h.state)));
    }
    return "failing";
}

std::optional<TimePoint> queueEmptiesAt(const ComponentHealth& sink, std::uint64_t queued,
                                        TimePoint start) {
    if (!sink.perMinute && !sink.perDay) return std::nullopt;
    if (queued == 0) return start;
    // The slower of the two limits decides; a day's allowance goes out at the start of each
    // day, so q deliveries at d a day take ceil(q / d) - 1 more days.
    Duration byMinute{0}, byDay{0};
    if (sink.perMinute)
        byMinute = std::chrono::duration_cast<Duration>(
            std::chrono::minutes((queued + sink.perMinute - 1) / sink.perMinute));
    if (sink.perDay)
        byDay = std::chrono::duration_cast<Duration>(
            std::chrono::hours(24) * ((queued + sink.perDay - 1) / sink.perDay - 1));
    return start + std::max(byMinute, byDay);
}

void saveHealth(StateStore& store, const HealthReport& report) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("at");
    w.Int64(toUnixMillis(report.at));
    w.Key("sinks");
    w.StartArray();
    for (const auto& c : report.sinks) writeComponent(w, c);
    w.EndArray();
    w.Key("routes");
    w.StartArray();
    for (const auto& c : report.routes) writeComponent(w, c);
    w.EndArray();
    w.EndObject();
    store.setMeta(kHealthMetaKey, buf.GetString());
}

std::optional<HealthReport> loadHealth(StateStore& store) {
    const auto text = store.meta(kHealthMetaKey);
    if (!text) return std::nullopt;
    rapidjson::Document d;
    // A small record pixsync wrote itself; anything unreadable only means "not known".
    // It sits in the state file, which someone may have edited: parsed with the depth limit.
    if (!parseBoundedJson(d, *text) || !d.IsObject()) return std::nullopt;
    HealthReport r;
    if (!d.HasMember("at") || !d["at"].IsInt64()) return std::nullopt;
    r.at = fromUnixMillis(d["at"].GetInt64());
    if (!d.HasMember("sinks") || !readComponents(d["sinks"], r.sinks)) return std::nullopt;
    if (!d.HasMember("routes") || !readComponents(d["routes"], r.routes)) return std::nullopt;
    return r;
}

}  // namespace pixsync
