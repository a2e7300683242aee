#pragma once
/// @file journal.hpp
/// The JSON store's journal, `<state>.journal`: an append-only file beside the state file
/// holding every outcome recorded since the file was last rewritten, synced per call, so a
/// crash loses at most the outcome being recorded (the message in flight).
///
/// Format, one JSON object a line:
///   {"pixsync_journal":1,"generation":G}        the state file's generation the lines apply to
///   {"deliveries":[{"route":…,"asset_id":…,…}]}  one line per record() or requeue() call
/// A delivery line holds each record's whole new value (not a change), so replaying a line
/// twice gives the same state. A rewrite of the state file raises its generation before the
/// journal is emptied: a journal left behind by a crash between the two names an older
/// generation and is known to be folded in already.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <utility>
#include <vector>

#include "json_state_model.hpp"

namespace pixsync::jsonstate {

/// What a journal holds, as read on opening the store.
struct JournalContents {
    std::uint64_t generation = 0;  ///< the state file generation its lines apply to
    /// Records in the order they were written (a key may appear more than once).
    std::vector<std::pair<DeliveryKey, Delivery>> records;
    bool tornTail = false;  ///< the last line was cut short by a crash and was ignored
};

/// The journal file of one state file. Not thread-safe (the store serialises calls).
class Journal {
  public:
    /// The journal of `stateFile`; nothing is opened or created yet.
    explicit Journal(const std::filesystem::path& stateFile);
    ~Journal();
    Journal(const Journal&) = delete;
    Journal& operator=(const Journal&) = delete;

    const std::filesystem::path& path() const { return path_; }

    /// Reads the journal: nullopt when there is none or it holds no complete header. A last
    /// line cut short (no newline, or not JSON) is the record being written when a process
    /// died and is ignored; anything else malformed is Error(State) naming the file.
    /// A journal over `maxBytes` is no journal pixsync wrote (it is folded into the state
    /// file long before): Error(State) naming it and its size, read no further, left as it is.
    std::optional<JournalContents> read(std::uint64_t maxBytes) const;

    /// Appends one line holding these records and syncs it before returning. The file is
    /// created (mode 0600) on first use; an empty file first gets the header naming
    /// `generation`. Throws Error(State), leaving the file as it was before the call.
    void append(std::uint64_t generation,
                const std::vector<std::pair<const DeliveryKey*, const Delivery*>>& records);

    /// Empties the journal, once the state file holds everything in it.
    void clear();

    /// Removes the journal file (after the final rewrite, when the store closes).
    void remove();

  private:
    void openForAppend();
    /// Cuts the file back to its last complete line after a failed append (errno kept).
    void rollBack();
    [[noreturn]] void fail(const std::string& what) const;

    std::filesystem::path stateFile_;
    std::filesystem::path path_;
    int fd_ = -1;
    std::uint64_t size_ = 0;  ///< bytes of complete lines in the file
};

}  // namespace pixsync::jsonstate
