#pragma once
// Escaping for the status page: every value from a source, a sink or the state is hostile.

#include <string>
#include <string_view>

namespace pixsync::html {

/// Text safe in an element's content and in a double- or single-quoted attribute value:
/// & < > " ' escaped; control characters (CR, LF, NUL, ...) become U+FFFD, so nothing can end
/// an attribute, open a tag or split a line.
std::string escape(std::string_view text);

/// A path segment for a URL: every byte but A-Z a-z 0-9 - _ . ~ percent-encoded.
std::string urlSegment(std::string_view text);

}  // namespace pixsync::html
