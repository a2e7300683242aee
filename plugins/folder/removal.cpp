#include "removal.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <system_error>

#include "file_names.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync::folder {

namespace fs = std::filesystem;

namespace {

/// How many entries of the index name each file.
std::map<std::string, std::size_t> namesInUse(const FolderIndex& index) {
    std::map<std::string, std::size_t> uses;
    for (const auto& [id, entry] : index.entries()) ++uses[entry.file];
    return uses;
}

}  // namespace

Removal removeUnlisted(const fs::path& folder, FolderIndex& index, const std::string& route,
                       const std::set<std::string>& listed) {
    Removal result;
    std::vector<std::string> unlisted;
    for (const auto& [id, entry] : index.entries()) {
        if (entry.routes.empty()) {
            if (listed.contains(id)) index.addRoute(id, route);
        } else if (entry.routes.contains(route) && !listed.contains(id)) {
            unlisted.push_back(id);
        }
    }
    if (unlisted.empty()) return result;

    auto uses = namesInUse(index);
    for (const auto& id : unlisted) {
        const IndexEntry& entry = index.entries().at(id);
        if (entry.routes.size() > 1) {  // another route delivered it too; its listing decides
            index.removeRoute(id, route);
            continue;
        }
        const std::string name = entry.file;
        const fs::path file = folder / name;
        std::error_code ec;
        const bool ours = isDeliveredFileName(name) && uses[name] == 1 &&
                          fs::symlink_status(file, ec).type() == fs::file_type::regular;
        if (ours && ::unlink(file.c_str()) != 0) {
            const int error = errno;
            if (error != ENOENT) {
                if (result.firstFailure.empty())
                    result.firstFailure =
                        cat("cannot remove ", file.string(), ": ", std::strerror(error));
                ++result.failed;
                continue;  // stays indexed for this route: the next full listing tries again
            }
        }
        if (ours) result.removed.push_back(name);
        --uses[name];
        index.erase(id);
    }
    return result;
}

std::size_t filesOf(const FolderIndex& index, const std::string& route) {
    std::size_t n = 0;
    for (const auto& [id, entry] : index.entries()) n += entry.routes.contains(route) ? 1 : 0;
    return n;
}

}  // namespace pixsync::folder
