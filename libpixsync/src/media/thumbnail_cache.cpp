#include "pixsync/host/thumbnail_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <vector>
#include <vips/vips8>

#include "media/vips_runtime.hpp"
#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

namespace fs = std::filesystem;

namespace pixsync {

namespace {

constexpr std::size_t kMaxIdBytes = 128;                   // ids longer than this get no thumbnail
constexpr std::uintmax_t kMaxThumbnailBytes = 256 * 1024;  // a 256 px JPEG is ~10-30 kB
constexpr const char* kSuffix = ".jpg";

/// The id's bytes in hex: any id from the source is a safe file name of bounded length.
std::string hexOf(const std::string& id) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : id) {
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
    return out;
}

std::optional<std::string> idOfHex(const std::string& hex) {
    if (hex.empty() || hex.size() % 2 || hex.size() > 2 * kMaxIdBytes) return std::nullopt;
    std::string id;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int value = 0;
        for (char c : hex.substr(i, 2)) {
            value <<= 4;
            if (c >= '0' && c <= '9')
                value |= c - '0';
            else if (c >= 'a' && c <= 'f')
                value |= c - 'a' + 10;
            else
                return std::nullopt;
        }
        id += static_cast<char>(value);
    }
    return id;
}

bool isJpeg(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    char magic[3] = {};
    in.read(magic, 3);
    return in && magic[0] == '\xFF' && magic[1] == '\xD8' && magic[2] == '\xFF';
}

/// The picture at most kLongestSide on its longest side. A frame-ready JPEG (what sinks hand
/// over) is decoded at a quarter or an eighth of its size by the JPEG decoder itself, which
/// costs a fraction of thumbnail()'s general path; other formats take that path.
vips::VImage thumbnailOf(const fs::path& picture) {
    using vips::VImage;
    constexpr int kSide = ThumbnailCache::kLongestSide;
    if (!isJpeg(picture))
        return VImage::thumbnail(
            picture.c_str(), kSide,
            VImage::option()->set("height", kSide)->set("size", VIPS_SIZE_DOWN));
    const VImage header = VImage::new_from_file(picture.c_str());
    const int longest = std::max(header.width(), header.height());
    int shrink = 1;
    while (shrink < 8 && longest / (shrink * 2) >= kSide) shrink *= 2;
    VImage image =
        VImage::new_from_file(picture.c_str(), VImage::option()
                                                   ->set("shrink", shrink)
                                                   ->set("access", VIPS_ACCESS_SEQUENTIAL)
                                                   ->set("fail_on", VIPS_FAIL_ON_ERROR));
    const int side = std::max(image.width(), image.height());
    if (side > kSide) image = image.resize(static_cast<double>(kSide) / side);
    return image;
}

}  // namespace

ThumbnailCache::ThumbnailCache(fs::path folder, std::uint64_t maxBytes, Logger log)
    : folder_(std::move(folder)), maxBytes_(maxBytes), log_(std::move(log)) {
    std::error_code ec;
    fs::create_directories(folder_, ec);
    if (!ec) ::chmod(folder_.c_str(), 0700);  // family photos
    if (ec || !fs::is_directory(folder_))
        throw configError(
            cat("cannot use ", folder_.string(),
                " for the status page's thumbnails: ", ec ? ec.message() : "not a folder",
                " (make it writable, or set the thumbnail size to 0)"));
    // Take over what an earlier run kept, oldest first by time of writing.
    struct Found {
        std::string id;
        std::uint64_t size;
        fs::file_time_type written;
    };
    std::vector<Found> found;
    for (const auto& entry : fs::directory_iterator(folder_, ec)) {
        const fs::path& p = entry.path();
        std::error_code e;
        // A link planted here would have /thumb/<id> serve whatever it points at: dropped,
        // like the half-written leftovers of a crash. Only regular files are taken over.
        if (entry.is_symlink(e)) {
            fs::remove(p, e);
            log_.warning(cat("removed the link ", p.string(),
                             " from the thumbnail folder: pixsync keeps only files of its own "
                             "there"));
            continue;
        }
        if (p.extension() != kSuffix || entry.symlink_status(e).type() != fs::file_type::regular) {
            if (p.filename().string().starts_with(".tmp-")) fs::remove(p, e);
            continue;
        }
        auto id = idOfHex(p.stem().string());
        const auto size = entry.file_size(e);
        if (!id || e) continue;
        found.push_back({*id, size, entry.last_write_time(e)});
    }
    std::sort(found.begin(), found.end(),
              [](const Found& a, const Found& b) { return a.written < b.written; });
    for (const auto& f : found) {
        entries_[f.id] = Entry{f.size, nextAge_++};
        total_ += f.size;
    }
    dropOldestOverBound();
}

fs::path ThumbnailCache::fileOf(const std::string& assetId) const {
    return folder_ / (hexOf(assetId) + kSuffix);
}

void ThumbnailCache::keep(const std::string& assetId, const fs::path& frameReady) noexcept {
    if (maxBytes_ == 0 || assetId.empty() || assetId.size() > kMaxIdBytes) return;
    const fs::path target = fileOf(assetId);
    const fs::path temporary = folder_ / cat(".tmp-", ::getpid(), "-", hexOf(assetId));
    try {
        media::ensureVipsStarted();
        thumbnailOf(frameReady)
            .jpegsave(temporary.c_str(), vips::VImage::option()->set("Q", 75)->set("strip", true));
        std::error_code ec;
        const auto size = fs::file_size(temporary, ec);
        if (ec || size > kMaxThumbnailBytes || size > maxBytes_) {
            fs::remove(temporary, ec);
            return;
        }
        fs::rename(temporary, target);
        std::lock_guard lock(mutex_);
        if (auto old = entries_.find(assetId); old != entries_.end()) total_ -= old->second.size;
        entries_[assetId] = Entry{size, nextAge_++};
        total_ += size;
        dropOldestOverBound();
    } catch (const std::exception& e) {
        vips_error_clear();
        std::error_code ec;
        fs::remove(temporary, ec);
        log_.debug(cat("no thumbnail for ", escapeControl(assetId), ": ", e.what()));
    }
}

void ThumbnailCache::dropOldestOverBound() {
    while (total_ > maxBytes_ && !entries_.empty()) {
        auto oldest = std::min_element(
            entries_.begin(), entries_.end(),
            [](const auto& a, const auto& b) { return a.second.age < b.second.age; });
        std::error_code ec;
        fs::remove(fileOf(oldest->first), ec);
        total_ -= oldest->second.size;
        entries_.erase(oldest);
    }
}

bool ThumbnailCache::has(const std::string& assetId) const {
    std::lock_guard lock(mutex_);
    return entries_.contains(assetId);
}

std::optional<std::string> ThumbnailCache::read(const std::string& assetId) const {
    {
        std::lock_guard lock(mutex_);
        if (!entries_.contains(assetId)) return std::nullopt;
    }
    // Never through a link, only a regular file, only a JPEG of bounded size: what is served
    // is one of ours, whatever was planted in the folder since it was read at start.
    const int fd = ::open(fileOf(assetId).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return std::nullopt;
    struct stat st {};
    std::string bytes;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        static_cast<std::uint64_t>(st.st_size) <= kMaxThumbnailBytes) {
        bytes.resize(kMaxThumbnailBytes + 1);
        std::size_t got = 0;
        for (ssize_t n;
             got < bytes.size() && (n = ::read(fd, bytes.data() + got, bytes.size() - got)) > 0;)
            got += static_cast<std::size_t>(n);
        bytes.resize(got);
    }
    ::close(fd);
    if (bytes.size() > kMaxThumbnailBytes || bytes.size() < 3 ||
        bytes.compare(0, 3, "\xFF\xD8\xFF") != 0)
        return std::nullopt;  // not one of ours
    return bytes;
}

std::uint64_t ThumbnailCache::bytes() const {
    std::lock_guard lock(mutex_);
    return total_;
}

}  // namespace pixsync

extern "C" __attribute__((visibility("default"))) pixsync::Thumbnails*
pixsync_media_open_thumbnails(const char* folder, std::uint64_t maxBytes,
                              const pixsync::Logger* log, char* error, unsigned long errorSize) {
    try {
        return new pixsync::ThumbnailCache(folder, maxBytes, log ? *log : pixsync::Logger{});
    } catch (const std::exception& e) {
        if (error && errorSize) {
            std::snprintf(error, errorSize, "%s", e.what());
        }
        return nullptr;
    }
}
