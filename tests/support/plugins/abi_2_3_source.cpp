// Test source "test-source-abi-2-3": built the way a source was before ABI 2.4, whose Source
// vtable ends at check() (no localMedia). The host must wrap it so that it never calls the
// slot this binary does not have. Lists one photo and downloads it as a small file.
#include <fstream>

#include "pixsync/plugin.hpp"

namespace {

using namespace pixsync;

/// Source of ABI 2.0–2.3, virtual for virtual: what such a plugin's vtable holds.
class SourceAbi23 {
  public:
    virtual ~SourceAbi23() = default;
    virtual Listing list(const std::string& cursor) = 0;
    virtual MediaFile fetch(const Asset& asset) = 0;
    virtual std::optional<MediaFile> fetchPreview(const Asset&) { return std::nullopt; }
    virtual void check(CheckReport&) {}
};

class OldSource final : public SourceAbi23 {
  public:
    Listing list(const std::string&) override {
        Asset a;
        a.id = "old-1";
        a.checksum = "sum-old-1";
        a.fileName = "old-1.jpg";
        a.mimeType = "image/jpeg";
        a.kind = AssetKind::Image;
        return Listing{{a}, "", true};
    }
    MediaFile fetch(const Asset& asset) override {
        MediaFile m;
        m.file = TempFile::create();
        std::ofstream(m.file.path()) << "media of " << asset.id;
        m.mimeType = asset.mimeType;
        m.size = m.file.size();
        return m;
    }
};

std::unique_ptr<Source> make(const Options&, const PluginContext&) {
    // The old binary's object, seen through the new interface: its vtable is the shorter one.
    SourceAbi23* old = new OldSource;
    return std::unique_ptr<Source>(reinterpret_cast<Source*>(old));
}

}  // namespace

extern "C" __attribute__((visibility("default"))) const PluginDescriptor*
pixsync_plugin_descriptor() {
    static const PluginDescriptor d{2,
                                    3,
                                    PluginKind::Source,
                                    "test-source-abi-2-3",
                                    "0.0.1",
                                    "a source built before local media",
                                    make,
                                    nullptr,
                                    nullptr,
                                    {},
                                    PIXSYNC_CXX_RUNTIME};
    return &d;
}
