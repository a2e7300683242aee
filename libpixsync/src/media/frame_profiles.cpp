#include "pixsync/frame_profiles.hpp"

#include <algorithm>
#include <vector>

#include "pixsync/error.hpp"
#include "pixsync/option_declaration.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync {

namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

// What a named profile may set (its other settings come from the sink's default profile).
constexpr OptionDeclaration kProfileOptions[] = {
    {.name = "max_width",
     .type = OptionType::Integer,
     .min = 16,
     .max = 16384,
     .description = "photos are fitted inside, never enlarged"},
    {.name = "max_height",
     .type = OptionType::Integer,
     .min = 16,
     .max = 16384,
     .description = "photos are fitted inside, never enlarged"},
    {.name = "jpeg_quality",
     .type = OptionType::Integer,
     .min = 1,
     .max = 100,
     .description = "JPEG quality"},
};

FrameProfile readSizeAndQuality(const Options& o, FrameProfile p, const FrameProfileKeys& keys) {
    p.maxWidth = static_cast<int>(o.integer(keys.maxWidth, p.maxWidth, 16, 16384));
    p.maxHeight = static_cast<int>(o.integer(keys.maxHeight, p.maxHeight, 16, 16384));
    p.jpegQuality = static_cast<int>(o.integer(keys.jpegQuality, p.jpegQuality, 1, 100));
    return p;
}

}  // namespace

FrameProfiles FrameProfiles::read(const Options& options, FrameProfile base,
                                  const FrameProfileKeys& keys) {
    FrameProfiles result;
    if (auto text = options.optionalString(keys.background)) {
        auto color = parseRgbColor(*text);
        if (!color)
            throw configError(cat(options.where(keys.background), ": '", *text,
                                  "' is not a colour; write it as #rrggbb, e.g. #ffffff"));
        base.background = *color;
    }
    base.maxVideoBytes =
        static_cast<std::uint64_t>(options.integer(
            keys.maxVideoMb, static_cast<std::int64_t>(base.maxVideoBytes / kMiB), 1, 100000)) *
        kMiB;
    result.default_ = readSizeAndQuality(options, base, keys);
    const Options profiles = options.object("profiles");
    for (const auto& name : profiles.keys()) {
        validateOptions(profiles.object(name), kProfileOptions,
                        {.owner = "a frame profile (max_width, max_height, jpeg_quality)"});
        result.named_[name] =
            readSizeAndQuality(profiles.object(name), result.default_, FrameProfileKeys{});
    }
    return result;
}

const FrameProfile& FrameProfiles::find(const std::string& name) const {
    if (name.empty()) return default_;
    auto it = named_.find(name);
    if (it == named_.end()) throw configError(cat("unknown frame profile '", name, "'"));
    return it->second;
}

FrameBox FrameProfiles::boxFor(const std::vector<Destination>& destinations) const {
    FrameBox box;
    for (const auto& d : destinations) {
        const FrameProfile& p = find(d.profile);
        box.width = std::max(box.width, static_cast<std::uint32_t>(std::max(p.maxWidth, 0)));
        box.height = std::max(box.height, static_cast<std::uint32_t>(std::max(p.maxHeight, 0)));
    }
    return box;
}

std::string FrameProfiles::problemWith(const std::string& name, const std::string& address) const {
    if (name.empty() || named_.contains(name)) return {};
    std::vector<std::string> names;
    for (const auto& [n, profile] : named_) names.push_back(n);
    return cat("unknown frame profile '", name, "' for ", address, "; ",
               names.empty()
                   ? std::string("no profiles are configured (add them under \"profiles\")")
                   : "configured profiles: " + join(names, ", "));
}

}  // namespace pixsync
