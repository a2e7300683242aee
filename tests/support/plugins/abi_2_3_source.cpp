// Test source "test-source-abi-2-3": built the way a source was before ABI 2.4, whose Source
// vtable ends at check() (no localMedia). The host must wrap it so that it never calls the
// slot this binary does not have. Lists one photo and downloads it as a small file.
// Built with PIXSYNC_TEST_SOURCE_MINOR=5 it is "test-source-abi-2-5", a source of 2.4/2.5
// whose vtable ends at localMedia() (no fetchFor): its first photo is a file read in place
// (fetch() refuses it, so a delivery shows that the host still forwards localMedia()), its
// second is fetched (through fetch(), never the fetchFor() slot it does not have).
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "pixsync/error.hpp"
#include "pixsync/plugin.hpp"

namespace {

using namespace pixsync;

#ifndef PIXSYNC_TEST_SOURCE_MINOR
#define PIXSYNC_TEST_SOURCE_MINOR 3
#endif

/// Source of ABI 2.0–2.3 (or 2.4–2.5), virtual for virtual: what such a plugin's vtable holds.
class SourceAbi23 {
  public:
    virtual ~SourceAbi23() = default;
    virtual Listing list(const std::string& cursor) = 0;
    virtual MediaFile fetch(const Asset& asset) = 0;
    virtual std::optional<MediaFile> fetchPreview(const Asset&) { return std::nullopt; }
    virtual void check(CheckReport&) {}
#if PIXSYNC_TEST_SOURCE_MINOR >= 4
    virtual std::optional<LocalMedia> localMedia(const Asset&) { return std::nullopt; }
#endif
    // What follows an old binary's table is undefined; here it is a trap, so that a host
    // calling the first slot this binary does not have (localMedia, or fetchFor) fails the
    // test for sure.
    virtual void firstSlotThisBinaryDoesNotHave() { std::abort(); }
};

Asset photo(const std::string& id) {
    Asset a;
    a.id = id;
    a.checksum = "sum-" + id;
    a.fileName = id + ".jpg";
    a.mimeType = "image/jpeg";
    a.kind = AssetKind::Image;
    return a;
}

class OldSource final : public SourceAbi23 {
  public:
    explicit OldSource(std::filesystem::path dir) : dir_(std::move(dir)) {}
    Listing list(const std::string&) override {
        Listing listing{{photo("old-1")}, "", true};
        // A 2.5 source also has one photo that is not a local file: it is fetched.
        if (PIXSYNC_TEST_SOURCE_MINOR >= 4) listing.assets.push_back(photo("old-2"));
        return listing;
    }
#if PIXSYNC_TEST_SOURCE_MINOR >= 4
    std::optional<LocalMedia> localMedia(const Asset& asset) override {
        if (asset.id != "old-1") return std::nullopt;
        // The system's temporary folder when the host names none; the test removes the file.
        const auto path = (dir_.empty() ? std::filesystem::temp_directory_path() : dir_) /
                          ("pixsync-test-source-abi-2-5-" + asset.id + ".jpg");
        std::ofstream(path) << "media of " << asset.id;
        return LocalMedia{path, asset.mimeType};
    }
#endif
    MediaFile fetch(const Asset& asset) override {
        if (PIXSYNC_TEST_SOURCE_MINOR >= 4 && asset.id == "old-1")
            throw mediaError(asset.fileName + ": read in place only");
        MediaFile m;
        m.file = TempFile::create();
        std::ofstream(m.file.path()) << "media of " << asset.id;
        m.mimeType = asset.mimeType;
        m.size = m.file.size();
        return m;
    }

  private:
    std::filesystem::path dir_;  ///< the host's temporary folder
};

std::unique_ptr<Source> make(const Options&, const PluginContext& context) {
    // The old binary's object, seen through the new interface: its vtable is the shorter one.
    SourceAbi23* old = new OldSource(context.tempDir);
    return std::unique_ptr<Source>(reinterpret_cast<Source*>(old));
}

}  // namespace

extern "C" __attribute__((visibility("default"))) const PluginDescriptor*
pixsync_plugin_descriptor() {
    static const PluginDescriptor d {
        2, PIXSYNC_TEST_SOURCE_MINOR, PluginKind::Source,
#if PIXSYNC_TEST_SOURCE_MINOR >= 4
            "test-source-abi-2-5", "0.0.1", "a source built before frame boxes",
#else
            "test-source-abi-2-3", "0.0.1", "a source built before local media",
#endif
            make, nullptr, nullptr, {}, PIXSYNC_CXX_RUNTIME
    };
    return &d;
}
