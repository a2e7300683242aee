#include "delivery_json.hpp"

namespace pixsync::jsonstate::json {

Asset readAsset(const FieldReader& in, const rapidjson::Value& v, const std::string& where) {
    in.object(v, where);
    Asset a;
    a.id = in.string(v, "id", where, true);
    a.checksum = in.string(v, "checksum", where);
    a.fileName = in.string(v, "file_name", where);
    a.mimeType = in.string(v, "mime_type", where);
    a.kind = assetKindFromString(in.string(v, "kind", where));
    a.takenAt = in.string(v, "taken_at", where);
    a.updatedAt = in.string(v, "updated_at", where);
    a.owner = in.string(v, "owner", where);
    a.sizeBytes = in.uint64(v, "size", where);
    return a;
}

Delivery readDelivery(const FieldReader& in, const rapidjson::Value& v, const std::string& where,
                      DeliveryKey& key) {
    in.object(v, where);
    key.assetId = in.string(v, "asset_id", where, true);
    key.destination = in.string(v, "destination", where, true);
    Delivery d;
    std::string status = in.string(v, "status", where, true);
    try {
        d.status = deliveryStatusFromString(status);
    } catch (const Error&) {
        in.fail(cat(where, ".status"), cat("is not a delivery status ('", status, "')"));
    }
    d.checksum = in.string(v, "checksum", where);
    d.sink = in.string(v, "sink", where);
    d.detail = in.string(v, "detail", where);
    d.attempts = in.smallInt(v, "attempts", where);
    d.nextAttempt = in.unixMillis(v, "next_attempt", where);
    d.updated = in.unixMillis(v, "updated", where);
    d.bytes = in.uint64(v, "bytes", where);
    if (const rapidjson::Value* asset = in.member(v, "asset"))
        d.asset = std::make_unique<Asset>(readAsset(in, *asset, cat(where, ".asset")));
    return d;
}

}  // namespace pixsync::jsonstate::json
