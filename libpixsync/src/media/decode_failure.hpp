#pragma once
// Why a file could not be converted, in words for the person reading `status` or the log.

#include <string>
#include <string_view>

namespace pixsync::media {

/// Turns libvips' error text (which names temporary files and loader classes, e.g.
/// ".../pixsync-ssk4a2: bad seek to 1348018; VipsJpeg: Premature end of input file") into
/// a reason such as "the original file is damaged (truncated JPEG)".
std::string describeDecodeFailure(std::string_view libvipsText);

}  // namespace pixsync::media
