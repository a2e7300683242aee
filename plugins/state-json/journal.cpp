#include "journal.hpp"

#include <fcntl.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "delivery_json.hpp"
#include "field_reader.hpp"
#include "pixsync/util/bounded_json.hpp"
#include "pixsync/util/strings.hpp"
#include "state-common/state_files.hpp"

namespace pixsync::jsonstate {

namespace {

namespace fs = std::filesystem;

/// Version of the journal's line format.
constexpr int kJournalVersion = 1;
/// A journal line nests four levels deep; anything deeper is not one of ours.
constexpr unsigned kMaxDepth = 8;

Error unusableJournal(const fs::path& journal, const fs::path& stateFile,
                      const std::string& problem) {
    return stateError(cat("journal ", journal.string(), ": ", problem, ". The state file ",
                          stateFile.string(),
                          " itself is intact: restore the journal from a backup, or move it "
                          "aside to use the state file as it was last written (the photos "
                          "recorded since then are sent again)"));
}

}  // namespace

Journal::Journal(const fs::path& stateFile)
    : stateFile_(stateFile), path_(stateFile.string() + ".journal") {}

Journal::~Journal() {
    if (fd_ >= 0) ::close(fd_);
}

void Journal::fail(const std::string& what) const {
    throw stateError(cat("cannot write the journal ", path_.string(), " beside the state file ",
                         stateFile_.string(), ": ", what, " (", std::strerror(errno),
                         "); free space on its disk or fix the folder's permissions"));
}

std::optional<JournalContents> Journal::read(std::uint64_t maxBytes) const {
    std::error_code ec;
    if (const std::uint64_t size = fs::file_size(path_, ec); !ec && size > maxBytes)
        throw unusableJournal(
            path_, stateFile_,
            cat("is ", humanBytes(size), ", more than pixsync ever writes there (",
                humanBytes(maxBytes),
                " at most with this batch_size) before folding it into the "
                "state file: it is not pixsync's journal, and pixsync neither reads nor changes "
                "it"));
    std::optional<std::string> text = state::readStateFile(path_);
    if (!text) return std::nullopt;
    std::vector<std::string_view> lines;
    bool torn = false;
    for (std::size_t start = 0; start < text->size();) {
        const std::size_t end = text->find('\n', start);
        if (end == std::string::npos) {
            torn = true;  // written up to the crash, never finished
            break;
        }
        lines.emplace_back(text->data() + start, end - start);
        start = end + 1;
    }
    JournalContents contents;
    contents.tornTail = torn;
    std::size_t lineNumber = 0;
    FieldReader in([&](const std::string& problem) {
        // A problem with the whole line comes as " <what>" (no field before it).
        const std::size_t from = problem.rfind(' ', 0) == 0 ? 1 : 0;
        return unusableJournal(path_, stateFile_,
                               cat("line ", lineNumber, ": ", problem.substr(from)));
    });
    bool haveHeader = false;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        lineNumber = i + 1;
        const std::string_view line = lines[i];
        rapidjson::Document doc;
        const bool readable = parseBoundedJson(doc, line, kMaxDepth) && doc.IsObject();
        if (!readable) {
            // A complete-looking last line can still be the torn one: after a power loss
            // the file's new length may be on disk before all of its data.
            if (i + 1 == lines.size() && !torn) {
                contents.tornTail = true;
                break;
            }
            in.fail("", "is not a journal line (not a JSON object)");
        }
        if (i == 0) {
            const FieldReader::Value* version = in.member(doc, "pixsync_journal");
            if (!version || !version->IsInt())
                in.fail("", "is not a journal header (\"pixsync_journal\" is missing)");
            if (version->GetInt() > kJournalVersion)
                in.fail("",
                        cat("was written by a newer pixsync (journal format ", version->GetInt(),
                            ", this one knows up to ", kJournalVersion, "); upgrade pixsync"));
            if (version->GetInt() < 1) in.fail("", "names no known journal format");
            contents.generation = in.uint64(doc, "generation", "header");
            haveHeader = true;
            continue;
        }
        const FieldReader::Value* records = in.member(doc, "deliveries");
        if (!records) in.fail("deliveries", "is missing");
        in.array(*records, "deliveries");
        rapidjson::SizeType n = 0;
        for (const auto& v : records->GetArray()) {
            const std::string where = cat("deliveries[", n++, "]");
            in.object(v, where);
            DeliveryKey key{in.string(v, "route", where, true), "", ""};
            Delivery d = json::readDelivery(in, v, where, key);
            contents.records.emplace_back(std::move(key), std::move(d));
        }
    }
    if (!haveHeader) return std::nullopt;  // not even the header was finished
    return contents;
}

void Journal::openForAppend() {
    bool created = true;
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
    if (fd_ < 0 && errno == EEXIST) {
        created = false;
        fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    }
    if (fd_ < 0) fail("cannot open it");
    struct stat info {};
    if (::fstat(fd_, &info) != 0) fail("cannot read its size");
    size_ = static_cast<std::uint64_t>(info.st_size);
    if (created) {
        // It holds what was sent to whom: for the owner only, whatever the umask.
        if (::fchmod(fd_, 0600) != 0) fail("cannot set its permissions");
        state::syncFolder(path_);  // the new name must survive a power loss with the lines
    }
}

void Journal::append(std::uint64_t generation,
                     const std::vector<std::pair<const DeliveryKey*, const Delivery*>>& records) {
    if (fd_ < 0) openForAppend();
    rapidjson::StringBuffer buffer;
    if (size_ == 0) {
        rapidjson::Writer<rapidjson::StringBuffer> header(buffer);
        header.StartObject();
        json::key(header, "pixsync_journal");
        header.Int(kJournalVersion);
        json::key(header, "generation");
        header.Uint64(generation);
        header.EndObject();
        buffer.Put('\n');
    }
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    json::key(w, "deliveries");
    w.StartArray();
    for (const auto& [key, delivery] : records) {
        w.StartObject();
        json::key(w, "route");
        json::text(w, key->route);
        json::writeDeliveryFields(w, *key, *delivery);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    buffer.Put('\n');

    const char* p = buffer.GetString();
    std::size_t left = buffer.GetSize();
    while (left > 0) {
        const ssize_t n = ::write(fd_, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            rollBack();
            fail("cannot append to it");
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fdatasync(fd_) != 0) {
        rollBack();
        fail("cannot sync it");
    }
    size_ += buffer.GetSize();
}

void Journal::rollBack() {
    // Never leave half a line for the next one to follow. Shrinking a file does not fail in
    // practice; should it, the error reported stays the first one.
    const int saved = errno;
    if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) errno = saved;
    errno = saved;
}

void Journal::clear() {
    if (fd_ < 0) {
        fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
        if (fd_ < 0) {
            if (errno == ENOENT) return;
            fail("cannot open it to empty it");
        }
    }
    // No sync needed: until the next append syncs the empty file, what a crash can leave is
    // the old content, whose generation is older than the state file's.
    if (::ftruncate(fd_, 0) != 0) fail("cannot empty it");
    size_ = 0;
}

void Journal::remove() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    size_ = 0;
    if (::unlink(path_.c_str()) != 0 && errno != ENOENT) fail("cannot remove it");
}

}  // namespace pixsync::jsonstate
