// libFuzzer entry point for the json state store's file: any bytes must give a state or a
// pixsync::Error. A state that was read is written back and must read again: pixsync must
// never write a state it then refuses.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "fuzz_files.hpp"
#include "json_state_model.hpp"
#include "pixsync/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace pixsync;
    const auto file = fuzz::folder().path() / "state.json";
    jsonstate::StateModel model;
    try {
        model = jsonstate::parseState(file, std::string(reinterpret_cast<const char*>(data), size));
    } catch (const Error&) {
        return 0;
    }
    jsonstate::saveState(model, file);
    std::ifstream in(file, std::ios::binary);
    std::ostringstream written;
    written << in.rdbuf();
    try {
        (void)jsonstate::parseState(file, written.str());
    } catch (const Error&) {
        std::abort();  // the state it wrote is one it refuses
    }
    return 0;
}
