#pragma once
// pixsync::media (and libvips with it), loaded only by the commands that make pictures: linked
// into the command it would cost every start about 0.1 s and 20 MB.

#include <string>

namespace pixsync::cli {

/// The symbol `name` of pixsync::media, loaded on first use from beside libpixsync (then by
/// its name, through the loader's search path). Throws Error(Internal) naming the library
/// and `purpose` when it cannot be loaded or lacks the symbol.
void* mediaSymbol(const char* name, const std::string& purpose);

}  // namespace pixsync::cli
