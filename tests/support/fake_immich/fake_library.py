"""Albums, tags, people and star ratings for the fake Immich (fake_immich.py).

Two mixins: `Library` for its Store (the state, the admin operations, the search filters)
and `LibraryRoutes` for its request handler (GET /albums, /albums/{id}, /tags,
/search/person, /people/{id}). As in Immich, none of these touch an asset's updatedAt:
adding an asset to an album, tagging it, a face being recognised as a person, rating it.

The Store provides `users`, `assets`, `tick()`, `find_user()`, `user_dto()`, `asset_dto()`,
`stamp()` (a time as the server writes it) and `Problem` (the exception that becomes an
error answer).
"""

import re
import uuid

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# MetadataSearchDto's lists of ids: a found asset matches every id of each list.
ID_LIST_FIELDS = ["albumIds", "personIds", "tagIds"]
# Immich's name search answers at most this many people.
PEOPLE_SEARCH_LIMIT = 100


def validate_membership_filters(body):
    """class-validator's answers for albumIds, personIds, tagIds and rating."""
    messages = []
    for field in ID_LIST_FIELDS:
        if field not in body:
            continue
        value = body[field]
        values = value if isinstance(value, list) else [value]  # `each` checks a lone value
        if not all(isinstance(v, str) and UUID_RE.match(v) for v in values):
            messages.append("each value in %s must be a UUID" % field)
        if not isinstance(value, list):
            messages.append("%s must be an array" % field)
    if "rating" in body:
        rating = body["rating"]
        if isinstance(rating, bool) or not isinstance(rating, (int, float)) or int(rating) != rating:
            messages.append("rating must be an integer number")
        elif rating < -1:
            messages.append("rating must not be less than -1")
        elif rating > 5:
            messages.append("rating must not be greater than 5")
    return messages


class Library:
    """Albums, tags and people, held by the Store."""

    def init_library(self):
        self.albums = {}  # id -> {id, name, ownerId, description, sharedWith: [userId], assetIds: [...]}
        self.tags = {}    # id -> {id, ownerId, name, value, parentId, assetIds: [...]}
        self.people = {}  # id -> {id, ownerId, name, isHidden, assetIds: [...]}

    def groups(self, kind):
        if kind not in ("albums", "tags", "people"):
            raise self.Problem(404, "no admin collection %r" % kind)
        return getattr(self, kind)

    # --- building -----------------------------------------------------------------------
    def find_asset(self, ref):
        """An asset's id from its id or its originalFileName (which must then be unique)."""
        if ref in self.assets:
            return ref
        named = [a["id"] for a in self.assets.values() if a["originalFileName"] == ref]
        if len(named) == 1:
            return named[0]
        if not named:
            raise self.Problem(400, "no asset %r (refer to assets by id or originalFileName)" % (ref,))
        raise self.Problem(400, "%d assets are named %r; refer to one by id" % (len(named), ref))

    def new_group(self, kind, spec, **fields):
        group_id = (spec.get("id") or str(uuid.uuid4())).lower()
        stamp = self.tick()
        group = dict(fields, id=group_id, ownerId=self.find_user(spec["owner"])["id"],
                     createdAt=stamp, updatedAt=stamp)
        self.groups(kind)[group_id] = group
        return group

    def add_album(self, spec):
        album = self.new_group("albums", spec, name=spec["name"], description=spec.get("description", ""),
                               sharedWith=[self.find_user(u)["id"] for u in spec.get("sharedWith", [])],
                               assetIds=[])
        self.change_members("albums", album["id"], {"add": spec.get("assets", [])})
        return {"id": album["id"]}

    def add_tag(self, spec):
        """Adds the tag `value` ("Parent/Child"), its parents too when they are new."""
        owner = self.find_user(spec["owner"])["id"]
        parts = str(spec["value"]).split("/")
        if not all(parts):
            raise self.Problem(400, "tag value %r has an empty part" % spec["value"])
        parent = None
        for depth in range(1, len(parts) + 1):
            value = "/".join(parts[:depth])
            tag = next((t for t in self.tags.values() if t["ownerId"] == owner and t["value"] == value), None)
            if tag is None:
                leaf = depth == len(parts)
                tag = self.new_group("tags", {"owner": owner, "id": spec.get("id") if leaf else None},
                                     name=parts[depth - 1], value=value,
                                     parentId=parent["id"] if parent else None, assetIds=[])
            parent = tag
        self.change_members("tags", parent["id"], {"add": spec.get("assets", [])})
        return {"id": parent["id"]}

    def add_person(self, spec):
        person = self.new_group("people", spec, name=spec.get("name", ""),
                                isHidden=bool(spec.get("isHidden", False)), assetIds=[])
        self.change_members("people", person["id"], {"add": spec.get("assets", [])})
        return {"id": person["id"]}

    def change_members(self, kind, group_id, change):
        """Adds assets to or removes them from an album, a tag or a person; the assets'
        updatedAt stays as it is."""
        group = self.groups(kind).get(group_id.lower())
        if group is None:
            raise self.Problem(404, "no %s %s" % (kind, group_id))
        members = group["assetIds"]
        for ref in change.get("add", []):
            asset_id = self.find_asset(ref)
            if asset_id not in members:
                members.append(asset_id)
        for ref in change.get("remove", []):
            asset_id = self.find_asset(ref)
            if asset_id in members:
                members.remove(asset_id)
        group["updatedAt"] = self.tick()
        return {"id": group["id"], "assets": sorted(members)}

    def set_rating(self, spec):
        """Rates assets (-1..5, or None: unrated), leaving their updatedAt as it is."""
        rating = spec.get("rating")
        if rating is not None and (isinstance(rating, bool) or rating not in range(-1, 6)):
            raise self.Problem(400, "rating must be -1..5 or null")
        ids = [self.find_asset(ref) for ref in (spec["ids"] if "ids" in spec else [spec["id"]])]
        for asset_id in ids:
            self.assets[asset_id]["rating"] = rating
        return {"ids": ids, "rating": rating}

    # --- reading ------------------------------------------------------------------------
    def albums_for(self, user_id, shared):
        """GET /albums: own albums; with shared=true the shared ones (own shared, and those
        shared with the user); with shared=false own albums shared with no one."""
        def wanted(a):
            own = a["ownerId"] == user_id
            if shared is True:
                return (own and a["sharedWith"]) or user_id in a["sharedWith"]
            if shared is False:
                return own and not a["sharedWith"]
            return own
        return [a for a in self.albums.values() if wanted(a)]

    def album_for(self, user_id, album_id):
        """An album its owner or a user it is shared with may read, else None."""
        album = self.albums.get(album_id.lower())
        if album and (album["ownerId"] == user_id or user_id in album["sharedWith"]):
            return album
        return None

    def people_named(self, user_id, name, with_hidden):
        """GET /search/person: the user's people whose name contains `name`, ignoring case
        (Immich uses a similarity match), closest first."""
        wanted = name.lower()
        found = [p for p in self.people.values()
                 if p["ownerId"] == user_id and wanted in p["name"].lower()
                 and (with_hidden or not p["isHidden"])]
        found.sort(key=lambda p: (p["name"].lower() != wanted, not p["name"].lower().startswith(wanted),
                                  len(p["name"]), p["name"]))
        return found[:PEOPLE_SEARCH_LIMIT]

    def tag_and_below(self, tag_id):
        """The ids of a tag and of every tag below it."""
        found = {tag_id}
        grew = True
        while grew:
            below = {t["id"] for t in self.tags.values() if t["parentId"] in found}
            grew = not below <= found
            found |= below
        return found

    def membership_filter(self, body):
        """The search's albumIds, tagIds (a tag matches the tags below it too), personIds and
        rating (exact) as a test of one asset. Access to the albums, tags and people is not
        checked, as in Immich: the search only ever returns the caller's and partners' assets."""
        groups = []
        for album_id in body.get("albumIds", []):
            album = self.albums.get(album_id.lower())
            groups.append(set(album["assetIds"]) if album else set())
        for tag_id in body.get("tagIds", []):
            below = self.tag_and_below(tag_id.lower())
            groups.append({a for t in below if t in self.tags for a in self.tags[t]["assetIds"]})
        for person_id in body.get("personIds", []):
            person = self.people.get(person_id.lower())
            groups.append(set(person["assetIds"]) if person else set())
        rating = body.get("rating")
        return lambda a: (all(a["id"] in g for g in groups)
                          and (rating is None or a.get("rating") == rating))

    # --- DTOs as @immich/sdk@2.3.1 declares them ----------------------------------------------
    def album_dto(self, album, with_assets=False):
        members = [self.assets[i] for i in album["assetIds"]
                   if i in self.assets and not self.assets[i]["isTrashed"]]
        dto = {
            "albumName": album["name"],
            "albumThumbnailAssetId": members[0]["id"] if members else None,
            "albumUsers": [{"role": "editor", "user": self.user_dto(self.users[u])} for u in album["sharedWith"]],
            "assetCount": len(members),
            "assets": [self.asset_dto(a) for a in members] if with_assets else [],
            "createdAt": self.stamp(album["createdAt"]),
            "description": album["description"],
            "hasSharedLink": False,
            "id": album["id"],
            "isActivityEnabled": True,
            "order": "desc",
            "owner": self.user_dto(self.users[album["ownerId"]]),
            "ownerId": album["ownerId"],
            "shared": bool(album["sharedWith"]),
            "updatedAt": self.stamp(album["updatedAt"]),
        }
        if members:
            dto["startDate"] = self.stamp(min(a["fileCreatedAt"] for a in members))
            dto["endDate"] = self.stamp(max(a["fileCreatedAt"] for a in members))
            dto["lastModifiedAssetTimestamp"] = self.stamp(max(a["updatedAt"] for a in members))
        return dto

    def tag_dto(self, tag):
        dto = {"createdAt": self.stamp(tag["createdAt"]), "id": tag["id"], "name": tag["name"],
               "updatedAt": self.stamp(tag["updatedAt"]), "value": tag["value"]}
        if tag["parentId"]:
            dto["parentId"] = tag["parentId"]
        return dto

    def person_dto(self, person):
        return {"birthDate": None, "id": person["id"], "isFavorite": False, "isHidden": person["isHidden"],
                "name": person["name"],
                "thumbnailPath": "/data/thumbs/%s/%s.jpeg" % (person["ownerId"], person["id"]),
                "updatedAt": self.stamp(person["updatedAt"])}


class LibraryRoutes:
    """The request handler's album, tag and person endpoints."""

    def organizing_api(self, method, route, query, entry):
        """Answers a request for one of these endpoints; None when it is none of them."""
        if method != "GET":
            return None
        store = self.server.store
        if route == "/albums":
            user = self.authenticate("album.read", entry)
            shared = self.boolean_parameter(query, "shared")
            with store.lock:
                return self.send_json(200, [store.album_dto(a) for a in store.albums_for(user["id"], shared)])
        m = re.match(r"^/albums/([^/]+)$", route)
        if m:
            user = self.authenticate("album.read", entry)
            without_assets = self.boolean_parameter(query, "withoutAssets")
            self.require_uuid(m.group(1))
            with store.lock:
                album = store.album_for(user["id"], m.group(1))
                if album is None:
                    raise store.Problem(400, "Not found or no album.read access")
                return self.send_json(200, store.album_dto(album, with_assets=not without_assets))
        if route == "/tags":
            user = self.authenticate("tag.read", entry)
            with store.lock:
                mine = sorted((t for t in store.tags.values() if t["ownerId"] == user["id"]),
                              key=lambda t: t["value"])
                return self.send_json(200, [store.tag_dto(t) for t in mine])
        if route == "/search/person":
            user = self.authenticate("person.read", entry)
            with_hidden = self.boolean_parameter(query, "withHidden")
            names = query.get("name") or [""]
            if not names[0]:
                raise store.Problem(400, ["name should not be empty"])
            with store.lock:
                found = store.people_named(user["id"], names[0], bool(with_hidden))
                return self.send_json(200, [store.person_dto(p) for p in found])
        m = re.match(r"^/people/([^/]+)$", route)
        if m:
            user = self.authenticate("person.read", entry)
            self.require_uuid(m.group(1))
            with store.lock:
                person = store.people.get(m.group(1).lower())
                if person is None or person["ownerId"] != user["id"]:
                    raise store.Problem(400, "Not found or no person.read access")
                return self.send_json(200, store.person_dto(person))
        return None

    def boolean_parameter(self, query, name):
        """A boolean query parameter as Immich reads it: absent (None), "true" or "false"."""
        values = query.get(name)
        if not values:
            return None
        if values[0] not in ("true", "false"):
            raise self.server.store.Problem(400, ["%s must be a boolean value" % name])
        return values[0] == "true"

    def require_uuid(self, text):
        if not UUID_RE.match(text):
            raise self.server.store.Problem(400, ["id must be a UUID"])
