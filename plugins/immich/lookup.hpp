#pragma once
// Finding the album, tag or person a route names among what the user can see in Immich.
// Names are looked up once and remembered; ids need no lookup to be listed, only `pixsync
// check` confirms them.

#include <optional>
#include <string>
#include <string_view>

#include "immich_api.hpp"
#include "immich_json.hpp"
#include "selection.hpp"

namespace pixsync::immich {

/// A lookup Immich refused because the key lacks a permission. The message says which
/// permission to grant to which key.
class MissingPermission : public Error {
  public:
    MissingPermission(std::string permission, const std::string& message)
        : Error(ErrorKind::Unavailable, message), permission_(std::move(permission)) {}
    const std::string& permission() const noexcept { return permission_; }

  private:
    std::string permission_;
};

/// Looks up a route's references with the user's key. Every failure is Error(Unavailable)
/// (MissingPermission for a refusal) with a message that says what to do.
class Lookup {
  public:
    Lookup(Api& api, Logger log) : api_(api), log_(std::move(log)) {}

    /// The ids the selection's references stand for. Names are looked up on the first call
    /// that succeeds and remembered from then on.
    const SelectionIds& ids(const Selection& selection);

    /// The album: by id (GET /albums/{id}), or by name among the user's own and shared albums.
    Album album(const Reference& ref);
    /// The tag: by id, by its full value or by its last part, among the user's tags.
    Tag tag(const Reference& ref);
    /// The person: by id (GET /people/{id}) or by name, hidden people included.
    Person person(const Reference& ref);

  private:
    /// GET `path` with the user's key to look up `ref`, a `kind` ("album"). Answers other
    /// than 2xx throw: 403 as MissingPermission naming `permission`, 400 for an id as an id
    /// Immich will not show.
    HttpResponse get(const std::string& path, std::string_view permission, const Reference& ref,
                     std::string_view kind);

    Api& api_;
    Logger log_;
    std::optional<SelectionIds> ids_;
};

}  // namespace pixsync::immich
