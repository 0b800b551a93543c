# Warnings and sanitizers for the project's own code (not for generated ANTLR sources).
add_library(gw_warnings INTERFACE)
target_compile_options(gw_warnings INTERFACE -Wall -Wextra -Wno-unused-parameter)

if(GW_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
if(GW_FUZZ)
  # Every object gets coverage instrumentation; fuzz targets add -fsanitize=fuzzer at link time.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
