#pragma once
// GoogleMock doubles for the engine tests. The store mock delegates to the in-memory store by
// default so tests can both assert calls and rely on real state semantics.

#include <gmock/gmock.h>

#include "memory_state_store.hpp"
#include "pixsync/sink.hpp"
#include "pixsync/source.hpp"
#include "pixsync/state_store.hpp"
#include "test_support.hpp"

namespace pixsync::test {

class MockSource : public Source {
  public:
    /// fetchFor() downloads the original (fetch()) unless a test says otherwise, as the
    /// default Source does.
    MockSource() {
        ON_CALL(*this, fetchFor(::testing::_, ::testing::_))
            .WillByDefault([this](const Asset& asset, const std::optional<FrameBox>&) {
                return fetch(asset);
            });
    }
    MOCK_METHOD(Listing, list, (const std::string& cursor), (override));
    MOCK_METHOD(MediaFile, fetch, (const Asset& asset), (override));
    MOCK_METHOD(std::optional<MediaFile>, fetchPreview, (const Asset& asset), (override));
    MOCK_METHOD(std::optional<LocalMedia>, localMedia, (const Asset& asset), (override));
    MOCK_METHOD(void, check, (CheckReport & report), (override));
    MOCK_METHOD(MediaFile, fetchFor, (const Asset& asset, const std::optional<FrameBox>& box),
                (override));
};

class MockSink : public Sink {
  public:
    MOCK_METHOD(std::vector<Outcome>, deliver,
                (const DeliveryRequest& request, const std::vector<Destination>& destinations),
                (override));
    MOCK_METHOD(RateLimits, rateLimits, (), (const, override));
    MOCK_METHOD(void, check, (CheckReport & report), (override));
    MOCK_METHOD(std::optional<FrameBox>, frameBox, (const std::vector<Destination>& destinations),
                (const, override));
    MOCK_METHOD(void, prepare,
                (const DeliveryRequest& request, const std::vector<Destination>& destinations),
                (override));
    MOCK_METHOD(void, retain,
                (const RetainRequest& request, const std::vector<Destination>& destinations),
                (override));
    /// Reports an outcome early, as a sink does while it works (Sink::notifyOutcome()).
    void report(std::size_t index, const Outcome& outcome) const { notifyOutcome(index, outcome); }
};

class MockStateStore : public StateStore {
  public:
    explicit MockStateStore(MemoryStateStore& real) {
        using ::testing::_;
        using ::testing::Invoke;
        ON_CALL(*this, cursor(_)).WillByDefault(Invoke(&real, &MemoryStateStore::cursor));
        ON_CALL(*this, status(_)).WillByDefault(Invoke(&real, &MemoryStateStore::status));
        ON_CALL(*this, findByChecksum(_, _))
            .WillByDefault(Invoke(&real, &MemoryStateStore::findByChecksum));
        ON_CALL(*this, commit(_)).WillByDefault(Invoke(&real, &MemoryStateStore::commit));
        ON_CALL(*this, due(_, _)).WillByDefault(Invoke(&real, &MemoryStateStore::due));
        ON_CALL(*this, nextDue()).WillByDefault(Invoke(&real, &MemoryStateStore::nextDue));
        ON_CALL(*this, record(_)).WillByDefault(Invoke(&real, &MemoryStateStore::record));
        ON_CALL(*this, requeue(_)).WillByDefault(Invoke(&real, &MemoryStateStore::requeue));
        ON_CALL(*this, countDelivered(_, _))
            .WillByDefault(Invoke(&real, &MemoryStateStore::countDelivered));
        ON_CALL(*this, recordPass(_)).WillByDefault(Invoke(&real, &MemoryStateStore::recordPass));
        ON_CALL(*this, summarize(_)).WillByDefault(Invoke(&real, &MemoryStateStore::summarize));
        ON_CALL(*this, meta(_)).WillByDefault(Invoke(&real, &MemoryStateStore::meta));
        ON_CALL(*this, setMeta(_, _)).WillByDefault(Invoke(&real, &MemoryStateStore::setMeta));
    }
    MOCK_METHOD(std::optional<RouteCursor>, cursor, (const std::string&), (override));
    MOCK_METHOD(std::optional<DeliveryStatus>, status, (const DeliveryKey&), (override));
    MOCK_METHOD(std::optional<DeliveryKey>, findByChecksum,
                (const std::string&, const std::string&), (override));
    MOCK_METHOD(void, commit, (const Plan&), (override));
    MOCK_METHOD(std::vector<QueuedDelivery>, due, (TimePoint, std::size_t), (override));
    MOCK_METHOD(std::optional<TimePoint>, nextDue, (), (override));
    MOCK_METHOD(void, record, (const DeliveryRecord&), (override));
    MOCK_METHOD(void, requeue, (const std::vector<QueuedDelivery>&), (override));
    MOCK_METHOD(std::uint64_t, countDelivered, (const std::string&, TimePoint), (override));
    MOCK_METHOD(void, recordPass, (const PassRecord&), (override));
    MOCK_METHOD(std::vector<RouteSummary>, summarize, (const std::vector<std::string>&),
                (override));
    MOCK_METHOD(std::optional<std::string>, meta, (const std::string&), (override));
    MOCK_METHOD(void, setMeta, (const std::string&, const std::string&), (override));
    MOCK_METHOD(void, flush, (), (override));
};

/// A photo asset with a distinct checksum.
inline Asset photo(const std::string& id, const std::string& checksum = {}) {
    Asset a;
    a.id = id;
    a.checksum = checksum.empty() ? "sum-" + id : checksum;
    a.fileName = id + ".jpg";
    a.mimeType = "image/jpeg";
    a.kind = AssetKind::Image;
    return a;
}

/// A small media file for a fetch() to return.
inline MediaFile mediaFor(const Asset& a) {
    MediaFile m;
    m.file = TempFile::create();
    writeFile(m.file.path(), "bytes of " + a.id);
    m.mimeType = a.mimeType;
    m.size = m.file.size();
    return m;
}

inline Listing listing(std::vector<Asset> assets, std::string cursor, bool full) {
    return Listing{std::move(assets), std::move(cursor), full};
}

}  // namespace pixsync::test
