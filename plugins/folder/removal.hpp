#pragma once
// `remove_unfavorited` for one destination folder: the files a route delivered that its
// latest full listing no longer holds are removed, through the index and only through it.

#include <cstddef>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "folder_index.hpp"

namespace pixsync::folder {

/// What removeUnlisted() did in one folder.
struct Removal {
    std::vector<std::string> removed;  ///< file names removed
    std::size_t failed = 0;            ///< files that could not be removed (still indexed)
    std::string firstFailure;          ///< why the first of them could not be, for the user
};

/// For every asset `route` delivered into `folder` that is not in `listed`: the route lets go
/// of it, and once no route holds it its file is removed and the asset forgotten. Files the
/// index does not name are never touched, nor names isDeliveredFileName() refuses, nor
/// anything that is not a plain file, nor a file another asset of the index still names. A
/// file that cannot be removed stays indexed for `route`, so the next call tries again.
/// Entries without routes (indexes of older versions) are never removed; one that `listed`
/// holds is taken to be the route's from now on. Does not save the index.
Removal removeUnlisted(const std::filesystem::path& folder, FolderIndex& index,
                       const std::string& route, const std::set<std::string>& listed);

/// How many files of the index `route` delivered.
std::size_t filesOf(const FolderIndex& index, const std::string& route);

}  // namespace pixsync::folder
