# RapidJSON is header-only: one imported target, RapidJSON::headers, for everything that
# parses or writes JSON (the core, the immich and json plugins, their tests and benchmarks).
if(NOT TARGET RapidJSON::headers)
  find_path(RAPIDJSON_INCLUDE_DIR rapidjson/document.h REQUIRED)
  add_library(RapidJSON::headers INTERFACE IMPORTED GLOBAL)
  target_include_directories(RapidJSON::headers SYSTEM INTERFACE "${RAPIDJSON_INCLUDE_DIR}")
endif()
