#include "folder_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <system_error>

#include "atomic_file.hpp"
#include "file_names.hpp"
#include "pixsync/error.hpp"
#include "pixsync/media_transform.hpp"
#include "pixsync/util/strings.hpp"
#include "removal.hpp"

namespace pixsync::folder {

namespace fs = std::filesystem;

namespace {

/// Index changes written together; bounds both the rewrite cost and what a crash can lose.
constexpr std::size_t kIndexBatch = 32;
constexpr auto kIndexInterval = std::chrono::seconds(5);

/// The file system refuses writes as a whole: nothing will work until someone acts.
bool isOutage(int error) { return error == EROFS; }
bool isFull(int error) { return error == ENOSPC || error == EDQUOT; }

}  // namespace

FolderSink::FolderSink(FolderSettings settings, const PluginContext& context)
    : settings_(std::move(settings)),
      log_(context.log),
      clock_(context.clock),
      tempDir_(context.tempDir),
      pictures_(context.pictures),
      lastIndexSave_(context.clock.now()) {
    setMediaLog(log_);
}

FolderSink::~FolderSink() {
    try {
        saveIndexes();
    } catch (const std::exception& e) {
        log_.warning(cat("cannot save the folder index: ", e.what()));
    }
}

const FrameProfile& FolderSink::profileFor(const std::string& name) const {
    return settings_.profiles.find(name);
}

fs::path FolderSink::folderFor(const Destination& destination) const {
    return settings_.root / destination.address;
}

std::string FolderSink::validateDestination(const Destination& destination) const {
    if (auto problem = addressProblem(destination.address); !problem.empty()) return problem;
    return settings_.profiles.problemWith(destination.profile, destination.address);
}

void FolderSink::requireRoot() const {
    std::error_code ec;
    if (!fs::is_directory(settings_.root, ec))
        throw unavailableError(cat("the folder root ", settings_.root.string(),
                                   " does not exist or is not a folder; mount the share or USB "
                                   "stick, or create the folder"));
}

void FolderSink::ensureFolder(const fs::path& folder) const {
    std::error_code ec;
    if (fs::is_directory(folder, ec)) return;
    fs::create_directories(folder, ec);
    if (ec)
        throw unavailableError(cat("cannot create ", folder.string(), ": ", ec.message(), "; make ",
                                   settings_.root.string(),
                                   " writable for the user pixsync runs as"));
}

FolderIndex& FolderSink::indexFor(const fs::path& folder) {
    auto it = indexes_.find(folder);
    if (it == indexes_.end()) it = indexes_.try_emplace(folder, folder, log_).first;
    return it->second;
}

std::vector<Outcome> FolderSink::deliver(const DeliveryRequest& request,
                                         const std::vector<Destination>& destinations) {
    requireRoot();

    // Transform once per profile; Error(Media) goes to the engine.
    std::map<std::string, FrameMedia> prepared;
    for (const auto& d : destinations)
        if (!prepared.contains(d.profile))
            prepared.emplace(d.profile,
                             prepareForFrame(request.media, profileFor(d.profile), tempDir_));

    std::vector<Outcome> outcomes;
    bool pictureKept = false;
    for (const auto& destination : destinations) {
        const FrameMedia& media = prepared.at(destination.profile);
        const fs::path folder = folderFor(destination);
        const std::string fileName = deliveredFileName(
            request.asset,
            media.passedThrough ? videoExtension(request.asset, media.mimeType) : ".jpg");
        try {
            ensureFolder(folder);
            copyFileAtomically(media.path, folder / fileName);
            FolderIndex& index = indexFor(folder);
            // A renamed asset keeps one file: the old name goes once the new one is in place.
            if (const auto old = index.fileFor(request.asset.id);
                old && *old != fileName && isDeliveredFileName(*old)) {
                std::error_code ignored;
                fs::remove(folder / *old, ignored);
            }
            index.set(request.asset.id, fileName, request.route);
            outcomes.push_back(
                Outcome::delivered(media.size, cat("written to ", (folder / fileName).string())));
            if (pictures_ && !media.passedThrough && !pictureKept) {
                pictures_->keep(request.asset.id, media.path);  // for the status page
                pictureKept = true;
            }
        } catch (const std::system_error& e) {
            const int error = e.code().value();
            if (isOutage(error) && outcomes.empty()) throw unavailableError(e.what());
            if (isFull(error)) {
                log_.warning(cat(e.what(), "; free some space, delivery will be retried"));
                outcomes.push_back(Outcome::retryLater(cat("no space left: ", e.what())));
            } else {
                log_.warning(e.what());
                outcomes.push_back(Outcome::retryLater(e.what()));
            }
        } catch (const Error& e) {
            // Earlier destinations already have outcomes: keep them, retry this one.
            if (e.kind() != ErrorKind::Unavailable || outcomes.empty()) throw;
            outcomes.push_back(Outcome::retryLater(e.what()));
        }
    }
    try {
        saveIndexesIfDue();
    } catch (const std::system_error& e) {
        log_.warning(cat("cannot save the folder index: ", e.what()));
    }
    return outcomes;
}

void FolderSink::saveIndexesIfDue() {
    const bool timeUp = clock_.now() - lastIndexSave_ >= kIndexInterval;
    for (auto& [folder, index] : indexes_)
        if (index.pending() >= kIndexBatch || (timeUp && index.pending() > 0)) index.save();
    if (timeUp) lastIndexSave_ = clock_.now();
}

void FolderSink::saveIndexes() {
    for (auto& [folder, index] : indexes_) index.save();
    lastIndexSave_ = clock_.now();
}

void FolderSink::retain(const RetainRequest& request,
                        const std::vector<Destination>& destinations) {
    if (!settings_.removeUnfavorited) return;
    requireRoot();
    std::set<std::string> listed;
    for (const Asset& asset : request.assets) listed.insert(asset.id);

    // Folders that do not exist hold nothing of ours (and must not be created here).
    std::set<fs::path> folders;
    for (const auto& destination : destinations) {
        const fs::path folder = folderFor(destination);
        std::error_code ec;
        if (fs::is_directory(folder, ec)) folders.insert(folder);
    }
    if (listed.empty()) {
        std::size_t files = 0;
        for (const auto& folder : folders) files += filesOf(indexFor(folder), request.route);
        if (files > 0) keepEverythingOfAnEmptyListing(request, folders, files);
        return;
    }

    std::string failures;
    for (const auto& folder : folders) {
        FolderIndex& index = indexFor(folder);
        const Removal removal = removeUnlisted(folder, index, request.route, listed);
        for (const auto& name : removal.removed)
            log_.debug(cat(request.routeLabel, ": removed ", (folder / name).string()));
        log_.log(removal.removed.empty() ? LogLevel::Debug : LogLevel::Info,
                 cat(request.routeLabel, ": removed ", removal.removed.size(),
                     " files no longer listed from ", folder.string()));
        std::string failure;
        if (removal.failed > 0)
            failure = cat(removal.failed, " files no longer listed stay in ", folder.string(), " (",
                          removal.firstFailure, ")");
        try {
            index.save();
        } catch (const std::system_error& e) {
            failure += cat(failure.empty() ? "" : "; ", "cannot save the index: ", e.what());
        }
        if (!failure.empty())
            failures += cat(failures.empty() ? "" : "; ", failure, "; make ", folder.string(),
                            " writable for the user pixsync runs as");
    }
    if (!failures.empty()) throw unavailableError(failures);
}

void FolderSink::keepEverythingOfAnEmptyListing(const RetainRequest& request,
                                                const std::set<fs::path>& folders,
                                                std::size_t files) const {
    std::string where;
    for (const auto& folder : folders) where += cat(where.empty() ? "" : ", ", folder.string());
    log_.warning(cat(request.routeLabel, ": the full listing is empty; keeping the ", files,
                     " files delivered for this route in ", where,
                     ": a source that suddenly lists nothing is more likely broken than every "
                     "favorite removed. Delete them by hand if that is what you want"));
}

void FolderSink::check(CheckReport& report) {
    const std::string subject = cat("folder: ", settings_.root.string());
    std::error_code ec;
    if (!fs::is_directory(settings_.root, ec)) {
        report.fail(subject, "does not exist or is not a folder",
                    "mount the share or USB stick, or create the folder");
        return;
    }
    if (::faccessat(AT_FDCWD, settings_.root.c_str(), W_OK, AT_EACCESS) != 0) {
        report.fail(subject, cat("not writable: ", std::strerror(errno)),
                    "make it writable for the user pixsync runs as");
        return;
    }
    report.pass(subject, "writable");
}

std::unique_ptr<Sink> createFolderSink(const Options& options, const PluginContext& context) {
    return std::make_unique<FolderSink>(readSettings(options), context);
}

}  // namespace pixsync::folder
