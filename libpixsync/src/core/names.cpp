// String names of the core enumerations (used in logs, state and status output).
#include "pixsync/asset.hpp"
#include "pixsync/error.hpp"
#include "pixsync/plugin.hpp"
#include "pixsync/sink.hpp"
#include "pixsync/state_store.hpp"

namespace pixsync {

Error::~Error() = default;

int exitCodeFor(ErrorKind kind) noexcept {
    switch (kind) {
        case ErrorKind::Usage:
        case ErrorKind::Config:
        case ErrorKind::State:
        case ErrorKind::Plugin:
            return kExitConfig;
        case ErrorKind::Locked:
        case ErrorKind::Unavailable:
        case ErrorKind::Media:
        case ErrorKind::Internal:
            return kExitFailure;
    }
    return kExitFailure;
}

const char* toString(ErrorKind kind) noexcept {
    switch (kind) {
        case ErrorKind::Usage: return "usage";
        case ErrorKind::Config: return "config";
        case ErrorKind::State: return "state";
        case ErrorKind::Locked: return "locked";
        case ErrorKind::Plugin: return "plugin";
        case ErrorKind::Unavailable: return "unavailable";
        case ErrorKind::Media: return "media";
        case ErrorKind::Internal: return "internal";
    }
    return "internal";
}

const char* toString(AssetKind kind) noexcept {
    switch (kind) {
        case AssetKind::Image: return "image";
        case AssetKind::Video: return "video";
        case AssetKind::Other: return "other";
    }
    return "other";
}

AssetKind assetKindFromString(const std::string& s) noexcept {
    if (s == "image") return AssetKind::Image;
    if (s == "video") return AssetKind::Video;
    return AssetKind::Other;
}

const char* toString(Outcome::Kind kind) noexcept {
    switch (kind) {
        case Outcome::Kind::Delivered: return "delivered";
        case Outcome::Kind::RetryLater: return "retry";
        case Outcome::Kind::Failed: return "failed";
        case Outcome::Kind::Paused: return "paused";
        case Outcome::Kind::Held: return "held";
    }
    return "failed";
}

const char* toString(DeliveryStatus status) noexcept {
    switch (status) {
        case DeliveryStatus::Queued: return "queued";
        case DeliveryStatus::Delivered: return "delivered";
        case DeliveryStatus::Failed: return "failed";
        case DeliveryStatus::Skipped: return "skipped";
    }
    return "failed";
}

DeliveryStatus deliveryStatusFromString(std::string_view s) {
    if (s == "queued") return DeliveryStatus::Queued;
    if (s == "delivered") return DeliveryStatus::Delivered;
    if (s == "failed") return DeliveryStatus::Failed;
    if (s == "skipped") return DeliveryStatus::Skipped;
    throw stateError("unknown delivery status '" + std::string(s) + "'");
}

const char* toString(PluginKind kind) noexcept {
    switch (kind) {
        case PluginKind::Source: return "source";
        case PluginKind::Sink: return "sink";
        case PluginKind::State: return "state";
    }
    return "unknown";
}

}  // namespace pixsync
