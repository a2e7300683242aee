#include "pixsync/delivered_pictures.hpp"

#include "pixsync/host/thumbnails.hpp"

namespace pixsync {

// Out of line: the interfaces' vtables and type identity live in libpixsync only.
DeliveredPictures::~DeliveredPictures() = default;
Thumbnails::~Thumbnails() = default;

}  // namespace pixsync
