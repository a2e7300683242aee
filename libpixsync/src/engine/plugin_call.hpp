#pragma once
// One guard around every call into a plugin: whatever it throws reaches the engine as a
// pixsync::Error, so a plugin bug becomes an error of that route or sink and never unwinds
// through the daemon (an exception escaping a thread would end it with std::terminate).

#include <cxxabi.h>

#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <typeinfo>

#include "pixsync/error.hpp"
#include "pixsync/util/strings.hpp"

namespace pixsync {

/// The C++ name of an exception's type ("std::out_of_range").
inline std::string exceptionTypeName(const std::exception& e) {
    const char* mangled = typeid(e).name();
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> name(
        abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
    return status == 0 && name ? std::string(name.get()) : std::string(mangled);
}

/// Calls `call` (a call into a plugin, described by `what`: "sink 'frames' deliver()").
/// A pixsync::Error passes unchanged; anything else becomes an Error of `kind` naming the
/// call and the exception: Unavailable (the default) makes the engine hold that route or sink
/// like any outage.
template <class Call>
auto guardPluginCall(const std::string& what, Call&& call, ErrorKind kind = ErrorKind::Unavailable)
    -> decltype(call()) {
    try {
        return call();
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(kind, cat(what, " threw ", exceptionTypeName(e), ": ", e.what(),
                              " (a bug in the plugin)"));
    } catch (...) {
        throw Error(kind,
                    cat(what, " threw something that is not an exception (a bug in the plugin)"));
    }
}

}  // namespace pixsync
