#include "send_test.hpp"

#include "media_library.hpp"
#include "pixsync/error.hpp"
#include "pixsync/temp_file.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::cli {

namespace {

constexpr const char* kSubject = "send test";
constexpr int kWidth = 1600, kHeight = 1200;  // larger than frames: the sink fits it

/// The test picture, made by pixsync::media (media_library.hpp).
MediaFile testPicture() {
    using Write = int (*)(const char*, int, int, char*, unsigned long);
    auto write = reinterpret_cast<Write>(
        mediaSymbol("pixsync_media_write_test_picture", "to make the test picture"));
    MediaFile picture;
    picture.file = TempFile::create({}, ".jpg");
    char error[512] = {};
    if (write(picture.file.path().c_str(), kWidth, kHeight, error, sizeof error) != 0)
        throw mediaError(error);
    picture.mimeType = "image/jpeg";
    picture.size = picture.file.size();
    return picture;
}

}  // namespace

void sendTestPicture(Pipeline& pipeline, const Config& config, const std::string& frame,
                     CheckReport& report) {
    const RouteConfig* route = nullptr;
    const Destination* destination = nullptr;
    for (const auto& r : config.routes)
        for (const auto& d : r.destinations)
            if (!destination && toLower(d.address) == toLower(trim(frame))) {
                route = &r;
                destination = &d;
            }
    if (!destination) {
        std::vector<std::string> frames;
        for (const auto& r : config.routes)
            for (const auto& d : r.destinations) frames.push_back(d.address);
        report.fail(kSubject, cat(frame, " is not a frame of any route in ", config.origin),
                    cat("name one of the configured frames: ", join(frames, ", ")));
        return;
    }
    Sink* sink = pipeline.sink(route->sink);
    if (!sink) {
        report.fail(kSubject,
                    cat("the sink '", route->sink, "' of ", route->where, " was not created"),
                    "see the plugins line above");
        return;
    }
    try {
        MediaFile picture = testPicture();
        Asset asset;
        asset.id = "pixsync-test-picture";
        asset.fileName = "pixsync-test-picture.jpg";
        asset.mimeType = picture.mimeType;
        asset.kind = AssetKind::Image;
        asset.sizeBytes = picture.size;
        const std::string label = "pixsync test";
        std::vector<Outcome> outcomes =
            sink->deliver(DeliveryRequest{asset, picture, route->id, label}, {*destination});
        if (outcomes.size() != 1) {
            report.fail(
                kSubject,
                cat("sink '", route->sink, "' returned ", outcomes.size(), " outcomes for 1 frame"),
                "report this as a bug of that sink plugin");
            return;
        }
        const Outcome& o = outcomes.front();
        if (o.kind == Outcome::Kind::Delivered)
            report.pass(kSubject, cat("a test picture was sent to ", destination->address,
                                      " through sink '", route->sink, "' (", o.bytes,
                                      " bytes); it should appear on the frame soon"));
        else
            report.fail(
                kSubject,
                cat("not delivered to ", destination->address, " (", toString(o.kind),
                    "): ", o.detail),
                o.kind == Outcome::Kind::Failed ? "check the frame address" : "try again later");
    } catch (const Error& e) {
        report.fail(kSubject, e.what(), "see the sink's line above");
    }
}

}  // namespace pixsync::cli
