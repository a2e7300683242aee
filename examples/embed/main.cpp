// Embeds libpixsync without a configuration file: builds one route in code from a source
// defined here (the image files of a folder), the installed "folder" sink and the installed
// "sqlite" state store, then runs one pass and prints what happened.
//
//   pixsync-embed                                     lists the plugins it finds
//   pixsync-embed PHOTO_DIR OUTPUT_DIR [STATE_FILE]   puts PHOTO_DIR's pictures, frame-ready,
//                                                     into OUTPUT_DIR/frame (once each)
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pixsync/error.hpp"
#include "pixsync/host/engine.hpp"
#include "pixsync/host/plugin_registry.hpp"
#include "pixsync/util/strings.hpp"
#include "pixsync/version.hpp"

namespace fs = std::filesystem;

namespace {

/// A source listing the pictures in one folder. Each file is an asset; its id is its name and
/// its checksum its name, size and modification time, so an edited file is a new photo.
class FolderPicturesSource final : public pixsync::Source {
  public:
    explicit FolderPicturesSource(fs::path folder) : folder_(std::move(folder)) {}

    pixsync::Listing list(const std::string& /*cursor*/) override {
        std::error_code ec;
        if (!fs::is_directory(folder_, ec))
            throw pixsync::unavailableError(folder_.string() + ": not a folder");
        pixsync::Listing listing;
        for (const auto& entry : fs::directory_iterator(folder_)) {
            if (!entry.is_regular_file()) continue;
            const std::string type = mimeTypeOf(entry.path());
            if (type.empty()) continue;
            pixsync::Asset asset;
            asset.id = entry.path().filename().string();
            asset.fileName = asset.id;
            asset.mimeType = type;
            asset.kind = pixsync::AssetKind::Image;
            asset.sizeBytes = entry.file_size();
            asset.checksum = pixsync::cat(asset.id, ":", asset.sizeBytes, ":",
                                          entry.last_write_time().time_since_epoch().count());
            listing.assets.push_back(std::move(asset));
        }
        listing.full = true;  // always the complete set; no incremental cursor
        return listing;
    }

    // The pictures already are files here: the engine and the sink read them where they are
    // (no copy), and never move, change or remove them.
    std::optional<pixsync::LocalMedia> localMedia(const pixsync::Asset& asset) override {
        return pixsync::LocalMedia{folder_ / asset.fileName, asset.mimeType};
    }

    // Not called while localMedia() answers; a source must still say how to fetch.
    pixsync::MediaFile fetch(const pixsync::Asset& asset) override {
        throw pixsync::mediaError(asset.fileName + ": read in place only");
    }

  private:
    static std::string mimeTypeOf(const fs::path& file) {
        const std::string ext = pixsync::toLower(file.extension().string());
        if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
        if (ext == ".png") return "image/png";
        if (ext == ".heic" || ext == ".heif") return "image/heic";
        if (ext == ".webp") return "image/webp";
        return {};
    }

    fs::path folder_;
};

/// One pass: poll, deliver, print. Returns the exit code.
int runOnePass(pixsync::PluginRegistry& registry, const fs::path& photos, const fs::path& output,
               const fs::path& stateFile) {
    pixsync::SystemClock clock;
    pixsync::Logger log;
    log.addOutput(pixsync::makeStderrOutput());
    log.setLevel(pixsync::LogLevel::Warning);
    const fs::path tempDir = fs::temp_directory_path();

    // Plugin instances are made by their plugins' factories, with options built in code.
    pixsync::Options sinkOptions;
    sinkOptions.set("root", output.string());
    sinkOptions.set("max_width", std::int64_t{1280});
    sinkOptions.set("max_height", std::int64_t{800});
    const pixsync::PluginContext sinkContext{"frame-folder", log.tagged("folder"), clock, tempDir};
    std::unique_ptr<pixsync::Sink> sink = registry.find("folder", pixsync::PluginKind::Sink)
                                              .descriptor->createSink(sinkOptions, sinkContext);

    pixsync::Options stateOptions;
    stateOptions.set("path", stateFile.string());
    const pixsync::PluginContext stateContext{"state", log.tagged("state"), clock, tempDir};
    std::unique_ptr<pixsync::StateStore> store =
        registry.find("sqlite", pixsync::PluginKind::State)
            .descriptor->createStateStore(stateOptions, stateContext, pixsync::OpenMode::ReadWrite);

    FolderPicturesSource source(photos);
    pixsync::Route route;
    route.id = "pictures";
    route.source = &source;
    route.sink = sink.get();
    route.sinkName = "frame-folder";
    route.destinations = {{"frame", ""}};
    if (const std::string problem = sink->validateDestination(route.destinations[0]);
        !problem.empty())
        throw pixsync::configError(problem);

    pixsync::Engine engine(*store, clock, log);
    engine.addRoute(route);
    for (const auto& poll : engine.pollAll()) {
        if (!poll.ok) {
            std::fprintf(stderr, "poll %s failed: %s\n", poll.route.c_str(), poll.error.c_str());
            return pixsync::kExitFailure;
        }
        std::printf("poll %s: %llu listed, %llu queued\n", poll.route.c_str(),
                    static_cast<unsigned long long>(poll.listed),
                    static_cast<unsigned long long>(poll.queued));
    }
    const pixsync::DeliverReport report = engine.deliverDue();
    store->flush();
    std::printf("delivered %llu (%s), retrying %llu, failed %llu\n",
                static_cast<unsigned long long>(report.delivered),
                pixsync::humanBytes(report.bytes).c_str(),
                static_cast<unsigned long long>(report.retrying),
                static_cast<unsigned long long>(report.failed));
    return report.sinkUnavailable || report.sourceUnavailable ? pixsync::kExitFailure
                                                              : pixsync::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
    std::printf("libpixsync %s, plugin ABI %u.%u\n", pixsync::kVersion, pixsync::kPluginAbiMajor,
                pixsync::kPluginAbiMinor);
    pixsync::PluginRegistry registry;
    std::vector<std::string> problems;
    registry.loadAll(pixsync::pluginSearchPath({}, std::getenv("PIXSYNC_PLUGIN_PATH")), &problems);
    for (const auto& p : registry.plugins())
        std::printf("plugin %s (%s) %s\n", p.name().c_str(), pixsync::toString(p.kind()),
                    p.descriptor->version);
    for (const auto& p : problems) std::fprintf(stderr, "warning: %s\n", p.c_str());
    if (argc == 1) return pixsync::kExitOk;
    if (argc < 3 || argc > 4) {
        std::fprintf(stderr, "usage: %s [PHOTO_DIR OUTPUT_DIR [STATE_FILE]]\n", argv[0]);
        return pixsync::kExitConfig;
    }
    try {
        return runOnePass(registry, argv[1], argv[2], argc > 3 ? argv[3] : "pixsync-embed.db");
    } catch (const pixsync::Error& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return pixsync::exitCodeFor(e.kind());
    }
}
