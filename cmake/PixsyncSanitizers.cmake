# With PIXSYNC_SANITIZE, everything is built and linked with ASan + UBSan (tests/CMakeLists.txt
# leaves the tests' own code uninstrumented). UBSan findings abort, so a test that triggers one
# fails.
if(PIXSYNC_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
