#pragma once
// File and folder names that cannot escape the sink's root, whatever the source reports.

#include <string>
#include <string_view>

#include "pixsync/asset.hpp"

namespace pixsync::folder {

/// Why a destination address cannot be used as a folder below the root; empty when it can.
/// Refuses empty names, absolute paths, "." and ".." components, control characters and
/// components longer than a file system allows.
std::string addressProblem(std::string_view address);

/// Keeps letters, digits, '-', '_' and '.', turns every other run of bytes into one '_',
/// removes leading dots and underscores and caps the length; "photo" when nothing is left.
std::string sanitizeStem(std::string_view text, std::size_t maxLength = 80);

/// The name an asset's file gets in a destination folder:
/// `<taken date>_<original name's stem>_<first 8 characters of the id><extension>`, e.g.
/// "2024-06-01_IMG_0042_3f2a9c1d.jpg". `extension` includes the dot.
std::string deliveredFileName(const Asset& asset, std::string_view extension);

/// True for a name deliveredFileName() could have produced: only letters, digits, '-', '_'
/// and '.', not starting with a dot. A name read back from the index must pass before the
/// sink touches the file, so a hand-edited index cannot reach outside the folder, the index
/// itself or a hidden file.
bool isDeliveredFileName(std::string_view name);

/// The extension a passed-through video keeps: from its MIME type, else from its original
/// name when that is short and plain, else ".video".
std::string videoExtension(const Asset& asset, std::string_view mimeType);

}  // namespace pixsync::folder
