#pragma once
/// @file sink.hpp
/// The interface every sink plugin implements: where media is delivered.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pixsync/asset.hpp"
#include "pixsync/check.hpp"
#include "pixsync/clock.hpp"
#include "pixsync/frame_box.hpp"
#include "pixsync/media_file.hpp"

namespace pixsync {

/// One place a sink delivers to: for Pix-Star a frame's e-mail address; `profile` names the
/// frame profile (screen size, quality) configured on the sink; empty means the default.
struct Destination {
    std::string address;
    std::string profile;
    friend bool operator==(const Destination&, const Destination&) = default;
};

/// What became of one delivery to one destination.
struct Outcome {
    enum class Kind {
        Delivered,   ///< accepted by the destination
        RetryLater,  ///< a transient fault; try again after `retryAfter` (0: engine's backoff)
        Failed,      ///< will never work (rejected address, undecodable media, over a limit)
        Paused,      ///< the sink hit a quota; nothing is wrong with this delivery. The sink
                     ///< accepts nothing more until `retryAfter` has passed.
        Held,        ///< (ABI 2.1) the whole sink cannot deliver (login refused, sender refused,
                     ///< policy, connection closed); nothing is wrong with this delivery. The
                     ///< engine keeps it queued without using an attempt and holds the sink
                     ///< until it answers again, a reload or a restart.
    };
    Kind kind = Kind::Delivered;
    std::string detail;       ///< the reason (server reply, decoder message); shown in status
    Duration retryAfter{0};   ///< for RetryLater and Paused
    std::uint64_t bytes = 0;  ///< bytes sent, for Delivered

    static Outcome delivered(std::uint64_t bytes, std::string detail = {}) {
        return {Kind::Delivered, std::move(detail), Duration{0}, bytes};
    }
    static Outcome retryLater(std::string detail, Duration after = Duration{0}) {
        return {Kind::RetryLater, std::move(detail), after, 0};
    }
    static Outcome failed(std::string detail) {
        return {Kind::Failed, std::move(detail), Duration{0}, 0};
    }
    static Outcome paused(std::string detail, Duration until) {
        return {Kind::Paused, std::move(detail), until, 0};
    }
    static Outcome held(std::string detail) {
        return {Kind::Held, std::move(detail), Duration{0}, 0};
    }
};

/// "delivered", "retry", "failed", "paused", "held".
const char* toString(Outcome::Kind kind) noexcept;

/// What the engine hands a sink for one asset.
struct DeliveryRequest {
    const Asset& asset;
    /// Read only: it may be the source's own file (Source::localMedia()), so a sink never
    /// moves, changes or removes it; it writes what it makes to files of its own.
    const MediaFile& media;
    const std::string& route;       ///< the route's id (for Immich: the user's e-mail)
    const std::string& routeLabel;  ///< a display name for the route, for subjects and logs
};

/// What the engine hands a sink after a full listing of a route: every asset the route has
/// now. An asset the sink delivered for this route that is not among them is no longer wanted
/// (for Immich: no longer a favorite).
struct RetainRequest {
    const std::string& route;          ///< the route's id, as in DeliveryRequest
    const std::string& routeLabel;     ///< a display name for the route, for logs
    const std::vector<Asset>& assets;  ///< the route's complete current set, each asset once
};

/// Send-rate limits a sink asks the engine to respect (0 = no limit). The engine counts
/// deliveries in the state store, so limits hold across restarts.
struct RateLimits {
    unsigned perMinute = 0;
    unsigned perDay = 0;
};

/// A sink delivering media to destinations.
///
/// Threading: the engine calls a Sink instance from one thread at a time.
class Sink {
  public:
    virtual ~Sink() = default;

    /// Delivers one asset to each destination and returns one outcome per destination, in
    /// order. Replies about a particular delivery are reported as outcomes. Exceptions:
    /// - Error(Media): the media cannot be used at all (the engine may retry with the
    ///   source's preview, otherwise records a failure for every destination);
    /// - Error(Unavailable): the sink cannot deliver anything now (server unreachable, TLS or
    ///   authentication failure, STARTTLS missing); the engine keeps the deliveries queued
    ///   without using attempts, holds the sink with a growing delay, and logs the outage once.
    ///   Outcome::held() says the same about destinations after others already have outcomes.
    /// Anything else thrown is a plugin bug: the engine treats it as Error(Unavailable).
    virtual std::vector<Outcome> deliver(const DeliveryRequest& request,
                                         const std::vector<Destination>& destinations) = 0;

    /// Called by the engine after a full listing of the route has been committed (never in
    /// a dry run, never after an incremental listing, which only says what changed). A sink
    /// that mirrors its route (the folder sink with `remove_unfavorited`) may remove from the
    /// destinations what is no longer in `request.assets`; the default keeps everything. A
    /// sink must never remove what it did not deliver for this route. Threading as for
    /// deliver(). Exceptions: Error(Unavailable) when the destinations cannot be changed now;
    /// the engine logs it once per outage, and the next full listing calls again, which is the
    /// retry. Nothing a sink throws here affects the plan, the cursor or deliveries.
    virtual void retain(const RetainRequest& /*request*/,
                        const std::vector<Destination>& /*destinations*/) {}

    /// Checks a configured destination; returns an empty string when it is fine, otherwise
    /// the problem ("'jane@frame' is not an e-mail address").
    virtual std::string validateDestination(const Destination& /*destination*/) const { return {}; }

    /// Send-rate limits for this sink.
    virtual RateLimits rateLimits() const { return {}; }

    /// Adds the results of `pixsync check` (connect, TLS, authentication). Sends nothing.
    virtual void check(CheckReport& /*report*/) {}

    // --- ABI 2.6 ---
    /// The box the pictures for `destinations` are fitted into (the largest of their frame
    /// profiles), or nullopt when they get the media as it is (the default). The engine hands
    /// it to Source::fetchFor(), so that a source may send a smaller rendition that makes the
    /// same picture. Called before deliver(), from the same thread; must not block.
    virtual std::optional<FrameBox> frameBox(
        const std::vector<Destination>& /*destinations*/) const {
        return std::nullopt;
    }

    /// A head start on the next delivery. The engine downloads the photo it will deliver next
    /// while the sink delivers the current one; as soon as that media is here it calls
    /// prepare() with it, on the download thread, so this is the one call that may overlap
    /// another on the same sink (deliver(), for the previous photo). A sink may do here the
    /// work that needs no server, such as fitting the picture into the frames' profiles, so
    /// that deliver() with the same asset and media finds it done and the two cores work at
    /// once. The request is valid during the call only. The engine prepares up to four photos
    /// ahead (the photos_ahead setting, 1 by default), one at a time and in delivery order, so
    /// keeping the latest four is enough; what a sink keeps must be bounded, because the
    /// matching deliver() may never come (a stop, a pause). Exceptions are ignored: deliver()
    /// meets the problem again and reports it. The default does nothing.
    virtual void prepare(const DeliveryRequest& /*request*/,
                         const std::vector<Destination>& /*destinations*/) {}

    /// Receives outcomes a sink reports early (see notifyOutcome()). Set by the engine.
    using OutcomeListener = std::function<void(std::size_t index, const Outcome& outcome)>;
    void setOutcomeListener(OutcomeListener listener) { listener_ = std::move(listener); }

  protected:
    /// Reports the outcome for destinations[index] as soon as it is known, so the engine
    /// records it before the next message goes out: after a crash, at most the message in
    /// flight is sent again. Optional; deliver() must still return every outcome.
    void notifyOutcome(std::size_t index, const Outcome& outcome) const {
        if (listener_) listener_(index, outcome);
    }

  private:
    OutcomeListener listener_;
};

}  // namespace pixsync
