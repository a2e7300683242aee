#pragma once
/// @file frame_profiles.hpp
/// A sink's frame profiles as configured: a default one and named ones
/// ("profiles": {"small": {"max_width": 800, "max_height": 600, "jpeg_quality": 80}}), which a
/// Destination picks by name.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "pixsync/frame_box.hpp"
#include "pixsync/media_transform.hpp"
#include "pixsync/options.hpp"
#include "pixsync/sink.hpp"

namespace pixsync {

/// Which option keys describe the default profile (a sink may prefix them, as the pixstar
/// sink does with PIXSTAR_MAX_WIDTH and friends). Named profiles always use the plain keys.
struct FrameProfileKeys {
    std::string_view maxWidth = "max_width";
    std::string_view maxHeight = "max_height";
    std::string_view jpegQuality = "jpeg_quality";
    std::string_view background = "background";
    std::string_view maxVideoMb = "max_video_mb";
};

class FrameProfiles {
  public:
    FrameProfiles() = default;

    /// Reads the default profile from `options` (starting from `base`, which supplies the
    /// defaults) and the named profiles from its "profiles" object, each starting from the
    /// default. Throws Error(Config) naming the key for a bad value.
    static FrameProfiles read(const Options& options, FrameProfile base,
                              const FrameProfileKeys& keys = {});

    /// The profile a destination names; "" is the default. Throws Error(Config) for an unknown
    /// name (validateDestination() should have refused it).
    const FrameProfile& find(const std::string& name) const;

    /// The box the pictures for `destinations` are fitted into: the largest width and the
    /// largest height among their profiles (what a sink answers to Sink::frameBox()).
    FrameBox boxFor(const std::vector<Destination>& destinations) const;

    /// Empty when `name` is "" or configured; otherwise the problem, listing what exists.
    std::string problemWith(const std::string& name, const std::string& address) const;

    const FrameProfile& defaultProfile() const noexcept { return default_; }
    const std::map<std::string, FrameProfile>& named() const noexcept { return named_; }

  private:
    FrameProfile default_;
    std::map<std::string, FrameProfile> named_;
};

}  // namespace pixsync
