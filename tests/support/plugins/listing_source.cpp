// Test source "test-listing": lists the assets in a JSON-lines file named by the option
// `listing_file` (one object per line: id, checksum, file, kind), so CLI tests can drive the
// real binary without any server. Media is a small file with the asset id as content.
#include <fstream>
#include <sstream>

#include "pixsync/error.hpp"
#include "pixsync/plugin.hpp"
#include "pixsync/util/strings.hpp"

namespace {

using namespace pixsync;

class ListingSource final : public Source {
  public:
    explicit ListingSource(std::filesystem::path file) : file_(std::move(file)) {}

    Listing list(const std::string& cursor) override {
        std::ifstream in(file_);
        if (!in) throw unavailableError(file_.string() + ": cannot read the listing");
        Listing l;
        std::string line;
        int n = 0;
        while (std::getline(in, line)) {
            if (trim(line).empty()) continue;
            Options o = Options::parse(line, file_.string());
            Asset a;
            a.id = o.string("id");
            a.checksum = o.string("checksum", "sum-" + a.id);
            a.fileName = o.string("file", a.id + ".jpg");
            a.kind = assetKindFromString(o.string("kind", "image"));
            a.mimeType = a.kind == AssetKind::Video ? "video/mp4" : "image/jpeg";
            l.assets.push_back(a);
            ++n;
        }
        l.cursor = cat("line-", n);
        l.full = cursor.empty();
        return l;
    }

    MediaFile fetch(const Asset& asset) override {
        MediaFile m;
        m.file = TempFile::create();
        std::ofstream(m.file.path()) << "media of " << asset.id;
        m.mimeType = asset.mimeType;
        m.size = m.file.size();
        return m;
    }

  private:
    std::filesystem::path file_;
};

std::unique_ptr<Source> make(const Options& options, const PluginContext&) {
    return std::make_unique<ListingSource>(options.path("listing_file"));
}

}  // namespace

PIXSYNC_SOURCE_PLUGIN("test-listing", "0.0.1", "test source reading a JSON-lines listing", make)
