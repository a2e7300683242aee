#pragma once
/// @file delivery_json.hpp
/// One delivery record as JSON, the same in the state file (`pixsync.deliveries`) and in
/// its journal, so both are read by the same strict code.

#include <rapidjson/document.h>

#include <string>
#include <string_view>

#include "field_reader.hpp"
#include "json_state_model.hpp"

namespace pixsync::jsonstate::json {

template <class Writer>
void key(Writer& w, std::string_view k) {
    w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()), true);
}
template <class Writer>
void text(Writer& w, std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()), true);
}
/// Defaults are left out: at 100k records they are most of the file.
template <class Writer>
void optionalText(Writer& w, std::string_view k, const std::string& s) {
    if (s.empty()) return;
    key(w, k);
    text(w, s);
}
template <class Writer>
void optionalNumber(Writer& w, std::string_view k, std::int64_t n) {
    if (n == 0) return;
    key(w, k);
    w.Int64(n);
}
template <class Writer>
void optionalUnsigned(Writer& w, std::string_view k, std::uint64_t n) {
    if (n == 0) return;
    key(w, k);
    w.Uint64(n);
}

/// The fields of an asset (inside an object the caller opened).
template <class Writer>
void writeAssetFields(Writer& w, const Asset& a) {
    key(w, "id");
    text(w, a.id);
    optionalText(w, "checksum", a.checksum);
    optionalText(w, "file_name", a.fileName);
    optionalText(w, "mime_type", a.mimeType);
    if (a.kind != AssetKind::Other) {
        key(w, "kind");
        text(w, toString(a.kind));
    }
    optionalText(w, "taken_at", a.takenAt);
    optionalText(w, "updated_at", a.updatedAt);
    optionalText(w, "owner", a.owner);
    optionalUnsigned(w, "size", a.sizeBytes);
}

/// The fields of one delivery record, its asset id and destination included (inside an
/// object the caller opened; the route is the caller's to write).
template <class Writer>
void writeDeliveryFields(Writer& w, const DeliveryKey& k, const Delivery& d) {
    key(w, "asset_id");
    text(w, k.assetId);
    key(w, "destination");
    text(w, k.destination);
    key(w, "status");
    text(w, toString(d.status));
    optionalText(w, "checksum", d.checksum);
    optionalText(w, "sink", d.sink);
    optionalNumber(w, "attempts", d.attempts);
    if (d.status == DeliveryStatus::Queued) optionalNumber(w, "next_attempt", d.nextAttempt);
    optionalText(w, "detail", d.detail);
    optionalUnsigned(w, "bytes", d.bytes);
    optionalNumber(w, "updated", d.updated);
    if (d.asset) {
        key(w, "asset");
        w.StartObject();
        writeAssetFields(w, *d.asset);
        w.EndObject();
    }
}

/// Reads an asset object; `where` names it in errors.
Asset readAsset(const FieldReader& in, const rapidjson::Value& v, const std::string& where);

/// Reads one delivery record written by writeDeliveryFields(): its asset id and destination
/// go into `key` (the route is the caller's), the rest is returned. `sequence` is left 0.
Delivery readDelivery(const FieldReader& in, const rapidjson::Value& v, const std::string& where,
                      DeliveryKey& key);

}  // namespace pixsync::jsonstate::json
