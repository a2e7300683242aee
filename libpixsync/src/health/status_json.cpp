// The one writer of the `pixsync status --json` document (README: "pixsync status --json");
// /api/status serves the same text.
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "pixsync/host/status_report.hpp"

namespace pixsync {

namespace {

class StatusWriter {
  public:
    std::string write(const StatusReport& report) {
        w_.StartObject();
        key("version");
        w_.Int(2);  // fields were added since; none removed or changed meaning
        key("ok");
        w_.Bool(report.ok());
        key("daemon");
        w_.StartObject();
        key("running");
        w_.Bool(report.daemonPid.has_value());
        key("pid");
        report.daemonPid ? w_.Int64(*report.daemonPid) : w_.Null();
        w_.EndObject();
        key("health_at");
        time(report.healthAt);
        key("paused_until");
        time(report.pausedUntil());
        key("sinks");
        w_.StartArray();
        for (const auto& s : report.sinks) sink(s);
        w_.EndArray();
        key("routes");
        w_.StartArray();
        for (const auto& r : report.routes) route(r);
        w_.EndArray();
        key("recent_deliveries");
        w_.StartArray();
        for (const auto& d : report.recent) delivery(d);
        w_.EndArray();
        w_.EndObject();
        return std::string(buffer_.GetString(), buffer_.GetSize());
    }

  private:
    void key(const char* k) { w_.Key(k); }
    void str(const std::string& v) {
        w_.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
    }
    void time(const std::optional<TimePoint>& t) {
        t ? str(isoUtc(*t)) : static_cast<void>(w_.Null());
    }
    void health(const ComponentHealth& h) {
        key("state");
        str(toString(h.state));
        key("summary");
        str(describe(h));
        key("reason");
        str(h.reason);
        key("since");
        time(h.since);
        key("until");
        time(h.until);
        key("last_success");
        time(h.lastSuccess);
    }
    void sink(const SinkStatus& s) {
        w_.StartObject();
        key("sink");
        str(s.health.name);
        health(s.health);
        key("queued");
        w_.Uint64(s.queued);
        key("per_minute");
        w_.Uint(s.health.perMinute);
        key("per_day");
        w_.Uint(s.health.perDay);
        key("sent_last_minute");
        w_.Uint64(s.sentLastMinute);
        key("sent_last_day");
        w_.Uint64(s.sentLastDay);
        key("queue_empties_at");
        time(s.emptiesAt);
        w_.EndObject();
    }
    void route(const RouteStatus& r) {
        const RouteSummary& s = r.summary;
        w_.StartObject();
        key("route");
        str(s.route);
        key("label");
        str(r.label);
        key("sink");
        str(r.sink);
        key("frames");
        w_.StartArray();
        for (const auto& f : r.frames) str(f);
        w_.EndArray();
        health(r.health);
        key("favorites");
        w_.Uint64(s.favorites);
        key("delivered");
        w_.Uint64(s.delivered);
        key("queued");
        w_.Uint64(s.queued);
        key("failed");
        w_.Uint64(s.failed);
        key("skipped");
        w_.Uint64(s.skipped);
        key("next_attempt");
        time(r.nextAttempt);
        key("queue_empties_at");
        time(r.emptiesAt);
        key("last_poll");
        if (s.lastPass) {
            w_.StartObject();
            key("started");
            str(isoUtc(s.lastPass->started));
            key("finished");
            str(isoUtc(s.lastPass->finished));
            key("full_listing");
            w_.Bool(s.lastPass->fullListing);
            key("listed");
            w_.Uint64(s.lastPass->listed);
            key("queued");
            w_.Uint64(s.lastPass->queued);
            key("ok");
            w_.Bool(s.lastPass->error.empty());
            key("error");
            str(s.lastPass->error);
            w_.EndObject();
        } else {
            w_.Null();
        }
        key("recent_failures");
        w_.StartArray();
        for (const auto& f : s.recentFailures) {
            w_.StartObject();
            key("asset");
            str(f.key.assetId);
            key("file");
            str(f.fileName);
            key("frame");
            str(f.key.destination);
            key("reason");
            str(f.reason);
            key("at");
            str(isoUtc(f.at));
            w_.EndObject();
        }
        w_.EndArray();
        w_.EndObject();
    }
    void delivery(const RecentDelivery& d) {
        w_.StartObject();
        key("asset");
        str(d.key.assetId);
        key("file");
        str(d.fileName);
        key("kind");
        str(toString(d.kind));
        key("route");
        str(d.key.route);
        key("frame");
        str(d.key.destination);
        key("sink");
        str(d.sink);
        key("outcome");
        str(toString(d.status));
        key("at");
        str(isoUtc(d.at));
        key("reason");
        str(d.detail);
        w_.EndObject();
    }

    rapidjson::StringBuffer buffer_;
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w_{buffer_};
};

}  // namespace

std::string statusJson(const StatusReport& report) { return StatusWriter().write(report); }

}  // namespace pixsync
