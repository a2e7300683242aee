#pragma once
// The "pixstar" sink: e-mails each asset, fitted to the frame's profile, to Pix-Star frames.

#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "pixsync/plugin.hpp"
#include "pixsync/sink.hpp"
#include "settings.hpp"
#include "smtp_client.hpp"

namespace pixsync::pixstar {

/// Delivers media by e-mail over one reused SMTP connection.
class PixstarSink final : public Sink {
  public:
    PixstarSink(SinkSettings settings, const PluginContext& context);
    ~PixstarSink() override;

    std::vector<Outcome> deliver(const DeliveryRequest& request,
                                 const std::vector<Destination>& destinations) override;
    std::string validateDestination(const Destination& destination) const override;
    /// The largest of the destinations' frame profiles: a source's preview that fills it
    /// makes the same picture as the original.
    std::optional<FrameBox> frameBox(const std::vector<Destination>& destinations) const override {
        return settings_.profiles.boxFor(destinations);
    }
    /// Fits the next photo into its frames' profiles ahead of deliver(), on the engine's
    /// download thread; deliver() with the same asset and media sends what was made here.
    void prepare(const DeliveryRequest& request,
                 const std::vector<Destination>& destinations) override;
    RateLimits rateLimits() const override { return settings_.limits; }
    void check(CheckReport& report) override;

  private:
    struct Prepared;
    using PreparedByProfile = std::map<std::string, Prepared>;
    /// A photo made ready ahead (prepare()), for the deliver() of the same media.
    struct Ahead;
    /// The most photos the engine prepares ahead (its photos_ahead setting's maximum).
    static constexpr std::size_t kMostAhead = 4;
    const FrameProfile& profileFor(const std::string& name) const;
    /// The media fitted into each profile the destinations name that `ready` lacks (one
    /// transform per profile, however many frames share it). Throws Error(Media).
    void fitToProfiles(const DeliveryRequest& request, const std::vector<Destination>& destinations,
                       PreparedByProfile& ready) const;
    /// What prepare() made for this very request, taken out; empty when it made nothing.
    PreparedByProfile takeAhead(const DeliveryRequest& request);
    /// Sends one message to `recipients` (indexes into `destinations`), writing their outcomes.
    void sendTo(const DeliveryRequest& request, const Prepared& media,
                const std::vector<Destination>& destinations,
                const std::vector<std::size_t>& recipients,
                std::vector<std::optional<Outcome>>& outcomes);

    SinkSettings settings_;
    Logger log_;
    const Clock& clock_;
    std::filesystem::path tempDir_;
    DeliveredPictures* pictures_;  ///< the host's thumbnails; may be null
    SmtpClient client_;
    TimePoint pausedUntil_{};
    std::string pauseReason_;
    std::mutex aheadMutex_;   ///< prepare() runs on another thread than deliver()
    std::list<Ahead> ahead_;  /// oldest first
};

/// The plugin's factory.
std::unique_ptr<Sink> createPixstarSink(const Options& options, const PluginContext& context);

}  // namespace pixsync::pixstar
