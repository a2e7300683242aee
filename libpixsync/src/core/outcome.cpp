// The names of delivery outcomes, as logs and status show them.
#include "pixsync/sink.hpp"

namespace pixsync {

const char* toString(Outcome::Kind kind) noexcept {
    switch (kind) {
        case Outcome::Kind::Delivered:
            return "delivered";
        case Outcome::Kind::RetryLater:
            return "retry";
        case Outcome::Kind::Failed:
            return "failed";
        case Outcome::Kind::Paused:
            return "paused";
        case Outcome::Kind::Held:
            return "held";
    }
    return "failed";
}

}  // namespace pixsync
