// Error's key function (its type identity lives here) and its kinds' names and exit codes.
#include "pixsync/error.hpp"

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
        case ErrorKind::Usage:
            return "usage";
        case ErrorKind::Config:
            return "config";
        case ErrorKind::State:
            return "state";
        case ErrorKind::Locked:
            return "locked";
        case ErrorKind::Plugin:
            return "plugin";
        case ErrorKind::Unavailable:
            return "unavailable";
        case ErrorKind::Media:
            return "media";
        case ErrorKind::Internal:
            return "internal";
    }
    return "internal";
}

}  // namespace pixsync
