// libFuzzer entry point for the folder sink's `.pixsync-index.json`, which anyone who can
// write to the share can change: any bytes must give an index (an unreadable one is replaced
// by an empty one, with a warning) and never a crash. What it read is written back and must
// read again the same.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>

#include "folder_index.hpp"
#include "fuzz_files.hpp"
#include "pixsync/log.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace pixsync;
    const auto& folder = fuzz::folder();
    folder.write(std::string(folder::kIndexFileName), data, size);
    const Logger log;  // no outputs: the warnings are not what is tested here
    const folder::FolderIndex index(folder.path(), log);
    const auto entries = index.entries();
    if (entries.empty()) return 0;
    // What save() would write (it writes only after a change), read back.
    std::ofstream(folder.path() / folder::kIndexFileName, std::ios::binary | std::ios::trunc)
        << index.toJson();
    const folder::FolderIndex again(folder.path(), log);
    // The index it wrote must read back the same.
    const auto sameEntry = [](const auto& a, const auto& b) {
        return a.first == b.first && a.second.file == b.second.file &&
               a.second.routes == b.second.routes;
    };
    if (!std::equal(entries.begin(), entries.end(), again.entries().begin(), again.entries().end(),
                    sameEntry))
        std::abort();
    return 0;
}
