// Whose failure it is: one photo's, or the whole source's or sink's. A failure is charged to
// what failed on evidence, never on the error's type alone: a photo a photo server cannot
// serve answers like an outage would (a server error, a transfer cut short), but the other
// photos and the service's own check still work.
#include "engine_impl.hpp"
#include "pixsync/util/strings.hpp"
#include "plugin_call.hpp"

namespace pixsync {

namespace {
/// The first failure a check found, or nullopt when it found none.
std::optional<std::string> firstFailure(const CheckReport& report) {
    for (const auto& r : report.results())
        if (r.status == CheckResult::Status::Failed) return cat(r.subject, ": ", r.detail);
    return std::nullopt;
}
}  // namespace

std::optional<std::string> Engine::Impl::probeSource(const Route& route) {
    CheckReport report;
    try {
        guardPluginCall(cat("route '", route.id, "': the source's check()"),
                        [&] { route.source->check(report); });
    } catch (const Error& e) {
        return std::string(e.what());
    }
    return firstFailure(report);
}

std::optional<std::string> Engine::Impl::probeSink(const Route& route) {
    CheckReport report;
    try {
        guardPluginCall(cat("sink '", route.sinkName, "' check()"),
                        [&] { route.sink->check(report); });
    } catch (const Error& e) {
        return std::string(e.what());
    }
    return firstFailure(report);
}

Engine::Impl::FailureScope Engine::Impl::scopeOfDownloadFailure(
    const Route& route, const std::function<void()>& quiesce) {
    const GateKey key = GateKey::downloads(route.id);
    // Cheapest evidence first: the listing already fails.
    if (gate_.outage(GateKey::listing(route.id))) return FailureScope::Whole;
    // Different photos failed in a row, this one among them (fetchMedia() notes each
    // download as it ends); the work ahead is finished first, so its downloads count too.
    quiesce();
    if (streaks_.met(key)) return FailureScope::Whole;
    if (auto failure = probeSource(route)) {
        log_.debug(cat(route.id, ": the source's check fails too: ", *failure));
        return FailureScope::Whole;
    }
    return FailureScope::Photo;
}

Engine::Impl::FailureScope Engine::Impl::scopeOfSinkFailure(const Route& route,
                                                            const std::string& photo,
                                                            const std::function<void()>& quiesce) {
    const GateKey key = GateKey::sink(route.sinkName);
    if (streaks_.failed(key, photo)) return FailureScope::Whole;
    quiesce();  // no head start (Sink::prepare()) runs beside the check
    if (auto failure = probeSink(route)) {
        log_.debug(cat("sink '", route.sinkName, "': its check fails too: ", *failure));
        return FailureScope::Whole;
    }
    return FailureScope::Photo;
}

bool Engine::Impl::probedAfterHold(const Route& route, const std::function<void()>& quiesce) {
    for (const GateKey& key : {GateKey::sink(route.sinkName), GateKey::downloads(route.id)}) {
        // Only once a hold has run out: while it lasts the gate keeps the route back anyway.
        if (!gate_.outage(key) || gate_.heldUntil(key)) continue;
        quiesce();
        const bool sink = key.kind == GateKey::Kind::Sink;
        // The outage keeps the words of the failure that started it: they name the photo
        // and the server's reply, which say more than the check's summary.
        if (auto failure = sink ? probeSink(route) : probeSource(route)) {
            log_.debug(cat(sink ? "sink '" + route.sinkName + "'" : route.id,
                           ": still failing: ", *failure));
            gate_.hold(key);
            return false;
        }
        // It answers again: its photos are tried, those that failed last after the others,
        // and each is judged afresh. The hold is kept (run out), so that a failure as a whole
        // right after holds it longer than the last time.
        gate_.endOutage(key);
        streaks_.worked(key);
        log_.info(sink ? cat("sink '", route.sinkName, "' reachable again")
                       : cat(route.id, ": downloads work again"));
    }
    return true;
}

}  // namespace pixsync
