#include "pixstar_sink.hpp"

#include <algorithm>

#include "message_builder.hpp"
#include "mime_text.hpp"
#include "pixsync/error.hpp"
#include "pixsync/media_transform.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::pixstar {

struct PixstarSink::Prepared {
    FrameMedia media;
    std::string attachmentName;
};

struct PixstarSink::Ahead {
    std::string assetId;
    std::filesystem::path media;  ///< the file it was made from: an original or a preview
    PreparedByProfile ready;
};

PixstarSink::PixstarSink(SinkSettings settings, const PluginContext& context)
    : settings_(std::move(settings)),
      log_(context.log),
      clock_(context.clock),
      tempDir_(context.tempDir),
      pictures_(context.pictures),
      client_(settings_.smtp, context.log) {
    log_.addSecret(settings_.smtp.password);
    setMediaLog(log_);
    if (settings_.smtp.insecureTls)
        log_.warning(cat(
            settings_.key("smtp_insecure_tls"), " is on: the certificate of ",
            settings_.smtp.endpoint(),
            " is not verified, so anyone on the network path can read the password and photos"));
    if (!settings_.smtp.useTls && !settings_.smtp.implicitTls())
        log_.warning(cat(settings_.key("smtp_use_tls"), " is off: mail to ",
                         settings_.smtp.endpoint(),
                         " travels unencrypted (acceptable only for a local relay)"));
}

PixstarSink::~PixstarSink() = default;

const FrameProfile& PixstarSink::profileFor(const std::string& name) const {
    return settings_.profiles.find(name);
}

std::string PixstarSink::validateDestination(const Destination& destination) const {
    if (!isEmailAddress(destination.address))
        return cat("'", destination.address, "' is not an e-mail address");
    return settings_.profiles.problemWith(destination.profile, destination.address);
}

std::vector<Outcome> PixstarSink::deliver(const DeliveryRequest& request,
                                          const std::vector<Destination>& destinations) {
    const TimePoint now = clock_.now();
    if (now < pausedUntil_) {
        const auto left = std::chrono::duration_cast<Duration>(pausedUntil_ - now);
        return std::vector<Outcome>(destinations.size(), Outcome::paused(pauseReason_, left));
    }

    // Transform once per profile, unless prepare() already did; Error(Media) goes to the
    // engine.
    PreparedByProfile prepared = takeAhead(request);
    fitToProfiles(request, destinations, prepared);

    std::vector<std::optional<Outcome>> outcomes(destinations.size());
    if (settings_.message.groupRecipients) {
        for (const auto& [profile, media] : prepared) {
            std::vector<std::size_t> group;
            for (std::size_t i = 0; i < destinations.size(); ++i)
                if (destinations[i].profile == profile) group.push_back(i);
            sendTo(request, media, destinations, group, outcomes);
        }
    } else {
        for (std::size_t i = 0; i < destinations.size(); ++i)
            sendTo(request, prepared.at(destinations[i].profile), destinations, {i}, outcomes);
    }
    std::vector<Outcome> result;
    for (auto& o : outcomes)
        result.push_back(o ? std::move(*o) : Outcome::retryLater("not attempted"));
    // The status page shows what a frame received: one picture per photo.
    for (std::size_t i = 0; pictures_ && i < result.size(); ++i) {
        const FrameMedia& media = prepared.at(destinations[i].profile).media;
        if (result[i].kind == Outcome::Kind::Delivered && !media.passedThrough) {
            pictures_->keep(request.asset.id, media.path);
            break;
        }
    }
    return result;
}

void PixstarSink::fitToProfiles(const DeliveryRequest& request,
                                const std::vector<Destination>& destinations,
                                PreparedByProfile& ready) const {
    for (const auto& d : destinations) {
        if (ready.contains(d.profile)) continue;
        Prepared p{prepareForFrame(request.media, profileFor(d.profile), tempDir_), {}};
        p.attachmentName =
            safeFileName(request.asset.fileName, p.media.passedThrough ? "" : ".jpg");
        log_.debug(cat("prepared ", p.attachmentName, " for frame profile '",
                       d.profile.empty() ? "default" : d.profile, "'"));
        ready.emplace(d.profile, std::move(p));
    }
}

void PixstarSink::prepare(const DeliveryRequest& request,
                          const std::vector<Destination>& destinations) {
    Ahead ahead{request.asset.id, request.media.file.path(), {}};
    fitToProfiles(request, destinations, ahead.ready);
    // The engine prepares at most kMostAhead photos ahead, in delivery order: when more are
    // kept, the oldest is one whose deliver() will not come (a stop, a pause). Removing it
    // removes its files.
    const std::lock_guard lock(aheadMutex_);
    ahead_.push_back(std::move(ahead));
    while (ahead_.size() > kMostAhead) ahead_.pop_front();
}

PixstarSink::PreparedByProfile PixstarSink::takeAhead(const DeliveryRequest& request) {
    const std::lock_guard lock(aheadMutex_);
    const auto it = std::find_if(ahead_.begin(), ahead_.end(), [&](const Ahead& a) {
        return a.assetId == request.asset.id && a.media == request.media.file.path();
    });
    if (it == ahead_.end()) return {};
    PreparedByProfile ready = std::move(it->ready);
    ahead_.erase(it);
    return ready;
}

void PixstarSink::sendTo(const DeliveryRequest& request, const Prepared& media,
                         const std::vector<Destination>& destinations,
                         const std::vector<std::size_t>& recipients,
                         std::vector<std::optional<Outcome>>& outcomes) {
    auto settle = [&](const Outcome& outcome) {
        for (auto i : recipients) {
            outcomes[i] = outcome;
            notifyOutcome(i, outcome);
        }
    };
    if (clock_.now() < pausedUntil_) {
        settle(Outcome::paused(pauseReason_,
                               std::chrono::duration_cast<Duration>(pausedUntil_ - clock_.now())));
        return;
    }
    // A reply about the whole account holds every later frame of this asset too: sending to
    // them would only be refused the same way.
    for (const auto& o : outcomes)
        if (o && o->kind == Outcome::Kind::Held) {
            settle(*o);
            return;
        }

    const std::string user =
        singleLine(request.routeLabel.empty() ? request.route : request.routeLabel);
    MessageContent content;
    content.from = settings_.message.from;
    for (auto i : recipients) content.recipients.push_back(destinations[i].address);
    content.subject = expandTemplate(settings_.message.subjectTemplate, user, media.attachmentName);
    content.body = expandTemplate(settings_.message.bodyTemplate, user, media.attachmentName);
    content.attachment = media.media.path;
    content.attachmentType =
        media.media.mimeType.empty() ? "application/octet-stream" : media.media.mimeType;
    content.attachmentName = media.attachmentName;

    const std::uint64_t size =
        estimatedMessageBytes(media.media.size, content.subject.size() + content.body.size());
    if (size > settings_.message.maxMessageBytes) {
        settle(Outcome::failed(cat("the message would be ", humanBytes(size), ", over ",
                                   settings_.key("smtp_max_message_mb"), " (",
                                   humanBytes(settings_.message.maxMessageBytes), ")")));
        return;
    }
    const auto message = buildMessage(content);

    const bool anySettled =
        std::any_of(outcomes.begin(), outcomes.end(), [](const auto& o) { return o.has_value(); });
    std::vector<SmtpReply> replies;
    // A reused connection may have been closed by the server while idle, and a server may
    // close it with 421 after some messages: reconnect once and send again.
    for (int attempt = 1;; ++attempt) {
        try {
            client_.open();
            replies = client_.send(*message, size, content.from, content.recipients);
            break;
        } catch (const ConnectionLost& e) {
            log_.info(cat(e.what(), attempt == 1 ? "; reconnecting" : ""));
            if (attempt == 1) continue;
            // Lost twice while sending this message: the message's fault or the server's,
            // which the engine judges (the frames already settled were reported).
            throw unavailableError(e.what());
        } catch (const Error& e) {
            // Earlier frames of this asset already have outcomes: keep them, hold the rest.
            if (!anySettled || e.kind() != ErrorKind::Unavailable) throw;
            settle(Outcome::held(e.what()));
            return;
        }
    }

    for (std::size_t k = 0; k < recipients.size(); ++k) {
        Outcome outcome = outcomeFor(replies[k], size);
        if (outcome.kind == Outcome::Kind::Delivered) outcome.bytes = media.media.size;
        if (outcome.kind == Outcome::Kind::Paused) {
            pausedUntil_ = clock_.now() + outcome.retryAfter;
            pauseReason_ = outcome.detail;
            log_.warning(cat("sender quota reached at ", settings_.smtp.endpoint(), ": ",
                             outcome.detail, "; pausing deliveries"));
        } else if (outcome.kind != Outcome::Kind::Delivered) {
            log_.info(cat(destinations[recipients[k]].address, ": ", outcome.detail));
        }
        notifyOutcome(recipients[k], outcome);  // recorded before the next message goes out
        outcomes[recipients[k]] = std::move(outcome);
    }
}

void PixstarSink::check(CheckReport& report) {
    const std::string subject = cat("pixstar: ", settings_.smtp.endpoint());
    SmtpClient probe(settings_.smtp, log_);
    auto name = [](SmtpClient::Step s) {
        switch (s) {
            case SmtpClient::Step::Connect:
                return "connection";
            case SmtpClient::Step::Tls:
                return "TLS";
            case SmtpClient::Step::Authenticate:
                return "authentication";
        }
        return "";
    };
    try {
        probe.open([&](SmtpClient::Step step, const std::string& detail) {
            report.pass(cat(subject, ": ", name(step)), detail);
        });
        probe.close();
    } catch (const Error& e) {
        // Messages end with the fix after the last "; ".
        std::string fix = "see the reason";
        const std::string what = e.what();
        if (const auto semi = what.rfind("; "); semi != std::string::npos)
            fix = what.substr(semi + 2);
        report.fail(cat(subject, ": ", name(probe.lastStep())), log_.redact(what), fix);
    }
}

std::unique_ptr<Sink> createPixstarSink(const Options& options, const PluginContext& context) {
    return std::make_unique<PixstarSink>(readSettings(options), context);
}

}  // namespace pixsync::pixstar
