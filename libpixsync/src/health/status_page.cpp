#include "status_page.hpp"

#include <cctype>

#include "html.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync {

namespace {

using html::escape;

constexpr const char* kStyle = R"(
body{font-family:system-ui,sans-serif;margin:0;padding:12px;background:#f4f4f4;color:#222}
h1{font-size:1.3em;margin:0 0 8px}h2{font-size:1.1em;margin:16px 0 8px}
.banner{padding:10px 12px;border-radius:8px;margin-bottom:8px;font-weight:600}
.ok{background:#d9f2dd}.warn{background:#fff1c7}.bad{background:#fbd5d5}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:8px}
.card{background:#fff;border-radius:8px;padding:10px 12px;overflow-wrap:anywhere}
.card h3{font-size:1em;margin:0 0 6px}.muted{color:#666;font-size:.9em}
ul.list{list-style:none;padding:0;margin:0}
ul.list li{display:flex;gap:10px;align-items:center;background:#fff;border-radius:8px;
padding:6px;margin-bottom:6px;overflow-wrap:anywhere}
.thumb{width:64px;height:64px;object-fit:cover;border-radius:4px;flex:none;background:#ddd;
display:flex;align-items:center;justify-content:center;font-size:.8em;color:#555}
code{background:#eee;padding:1px 4px;border-radius:3px;overflow-wrap:anywhere}
)";

std::string when(TimePoint t) {
    std::string iso = isoUtc(t);  // 2026-12-04T21:00:00Z
    std::string shown = iso.substr(0, 10) + " " + iso.substr(11, 8) + " UTC";
    return cat("<time datetime=\"", iso, "\">", shown, "</time>");
}

std::string when(const std::optional<TimePoint>& t, const char* none) {
    return t ? when(*t) : std::string(none);
}

/// A user's string, isolated so that right-to-left marks in it cannot reorder the page.
std::string text(const std::string& value) { return "<bdi>" + escape(value) + "</bdi>"; }

/// `value` as one word of a POSIX shell command.
std::string shellQuote(const std::string& value) {
    bool plain = !value.empty();
    for (char c : value)
        plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '@' || c == '.' ||
                          c == '_' || c == '+' || c == '-');
    if (plain) return value;
    std::string out = "'";
    for (char c : value) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

const char* toneOf(HealthState state) {
    if (isFailing(state)) return "bad";
    return state == HealthState::Ok ? "ok" : "warn";
}

std::string describeHtml(const ComponentHealth& h) {
    // describe()'s words, with the times and the reason placed and escaped separately.
    switch (h.state) {
        case HealthState::Ok:
            return "ok";
        case HealthState::Failing:
        case HealthState::Held:
            return cat(toString(h.state), " since ", when(h.since, "?"), ": ", text(h.reason));
        case HealthState::RateLimited:
        case HealthState::QuotaPaused:
            return cat(toString(h.state), " until ", when(h.until, "?"),
                       h.reason.empty() ? "" : ": " + text(h.reason));
    }
    return escape(toString(h.state));
}

void banner(std::string& out, const StatusReport& r, const StatusPageInfo& info) {
    std::vector<std::string> problems;
    HealthState worst = HealthState::Ok;
    auto note = [&](const char* what, const std::string& name, const ComponentHealth& h) {
        if (h.state == HealthState::Ok) return;
        problems.push_back(cat(what, " ", text(name), ": ", describeHtml(h)));
        if (isFailing(h.state) || worst == HealthState::Ok) worst = h.state;
    };
    for (const auto& s : r.sinks) note("sink", s.health.name, s.health);
    for (const auto& route : r.routes) note("route", route.summary.route, route.health);
    out += cat("<div class=\"banner ", toneOf(worst), "\" id=\"overall\">");
    if (problems.empty()) {
        out += "ok";
    } else {
        for (std::size_t i = 0; i < problems.size(); ++i) out += (i ? "<br>" : "") + problems[i];
    }
    out += "</div><p class=\"muted\" id=\"polling\">";
    if (info.pollInterval)
        out +=
            cat("polling every ",
                std::chrono::duration_cast<std::chrono::seconds>(*info.pollInterval).count(), " s");
    else
        out += "not polling";
    out += cat(" &middot; as of ", when(r.at), "</p>");
}

void sinkCards(std::string& out, const StatusReport& r) {
    out += "<h2>Sinks</h2><div class=\"cards\">";
    for (const auto& s : r.sinks) {
        const ComponentHealth& h = s.health;
        out += cat("<div class=\"card sink\"><h3>", text(h.name), "</h3><div class=\"",
                   toneOf(h.state), "\">", describeHtml(h), "</div><div class=\"muted\">", s.queued,
                   " queued", "<br>sent in the last minute ", s.sentLastMinute,
                   h.perMinute ? cat(" of ", h.perMinute) : "", ", last 24 h ", s.sentLastDay,
                   h.perDay ? cat(" of ", h.perDay) : "", "<br>last delivery ",
                   when(h.lastSuccess, "none yet"), "</div></div>");
    }
    out += "</div>";
}

void routeCards(std::string& out, const StatusReport& r) {
    out += "<h2>Routes</h2><div class=\"cards\">";
    for (const auto& route : r.routes) {
        const RouteSummary& s = route.summary;
        out += cat("<div class=\"card route\"><h3>",
                   text(route.label.empty() ? s.route : route.label), "</h3>");
        if (!route.label.empty() && route.label != s.route)
            out += cat("<div class=\"muted\">", text(s.route), "</div>");
        out += cat("<div class=\"", toneOf(route.health.state), "\">", describeHtml(route.health),
                   "</div><div>frames: ");
        for (std::size_t i = 0; i < route.frames.size(); ++i)
            out += cat(i ? ", " : "", "<span class=\"frame\">", text(route.frames[i]), "</span>");
        out += cat("</div><div class=\"muted\">last poll ",
                   s.lastPass ? when(s.lastPass->finished) : std::string("never"));
        if (s.lastPass && !s.lastPass->error.empty())
            out += cat(" (failed: ", text(s.lastPass->error), ")");
        out += cat("<br>", s.favorites, " favorites, ", s.delivered, " delivered, ", s.queued,
                   " queued, ", s.failed, " failed");
        if (s.queued && route.emptiesAt)
            out += cat("<br>queue sent by about ", when(*route.emptiesAt));
        else if (s.queued && route.nextAttempt)
            out += cat("<br>next attempt ", when(*route.nextAttempt));
        out += "</div></div>";
    }
    out += "</div>";
}

void recentList(std::string& out, const StatusReport& r, const StatusPageInfo& info) {
    out += cat("<h2>Recent deliveries</h2>");
    if (r.recent.empty()) {
        out += "<p class=\"muted\">none yet</p>";
        return;
    }
    out += "<ul class=\"list\" id=\"recent\">";
    for (const auto& d : r.recent) {
        out += "<li class=\"delivery\">";
        if (d.kind == AssetKind::Video)
            out += "<div class=\"thumb\" aria-label=\"video\">&#9654; video</div>";
        else if (info.hasThumbnail && info.hasThumbnail(d.key.assetId))
            out += cat("<img class=\"thumb\" alt=\"\" src=\"/thumb/",
                       escape(html::urlSegment(d.key.assetId)), "\">");
        else
            out += "<div class=\"thumb\">&#8212;</div>";
        out +=
            cat("<div><div class=\"file\">", text(d.fileName.empty() ? d.key.assetId : d.fileName),
                "</div><div class=\"muted\">",
                d.status == DeliveryStatus::Delivered ? "delivered"
                                                      : "<strong class=\"failed\">failed</strong>",
                " to ", text(d.key.destination), " &middot; ", when(d.at));
        if (d.status == DeliveryStatus::Failed && !d.detail.empty())
            out += cat("<br>", text(d.detail));
        out += "</div></div></li>";
    }
    out += "</ul>";
}

void failures(std::string& out, const StatusReport& r) {
    bool any = false;
    for (const auto& route : r.routes) any = any || !route.summary.recentFailures.empty();
    if (!any) return;
    out += "<h2>Failed photos</h2>";
    for (const auto& route : r.routes) {
        const RouteSummary& s = route.summary;
        if (s.recentFailures.empty()) continue;
        out += cat("<div class=\"card failures\"><h3>", text(s.route), "</h3><ul>");
        for (const auto& f : s.recentFailures)
            out += cat("<li class=\"failure\"><bdi>",
                       escape(f.fileName.empty() ? f.key.assetId : f.fileName), "</bdi> to ",
                       text(f.key.destination), ": <span class=\"reason\">", text(f.reason),
                       "</span></li>");
        // resend takes whole routes: it queues every current favorite of this one again.
        out += cat("</ul><div class=\"muted\">to send this route's favorites again: <code>",
                   "pixsync resend --user ", escape(shellQuote(s.route)), "</code></div></div>");
    }
}

}  // namespace

std::string renderStatusPage(const StatusReport& report, const StatusPageInfo& info) {
    std::string out;
    out.reserve(16 * 1024);
    out +=
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        "<meta http-equiv=\"refresh\" content=\"30\"><title>pixsync</title><style>";
    out += kStyle;
    out += "</style></head><body><h1>pixsync</h1>";
    banner(out, report, info);
    routeCards(out, report);
    sinkCards(out, report);
    recentList(out, report, info);
    failures(out, report);
    out += "</body></html>\n";
    return out;
}

}  // namespace pixsync
