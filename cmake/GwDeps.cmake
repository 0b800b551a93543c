# Third-party dependencies, all from Debian 12 packages (see scripts/install-deps).
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(Boost 1.81 REQUIRED)
find_package(GTest REQUIRED)
if(GW_BENCH)
  find_package(benchmark REQUIRED)
endif()
find_package(PkgConfig REQUIRED)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
pkg_check_modules(BROTLI REQUIRED IMPORTED_TARGET libbrotlienc libbrotlidec)
# RE2: linear-time regexes, for `matches /re/` (sema validates with it, the runtime matches).
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET GLOBAL re2)

# Boost.Asio/Beast are header-only; one target so flags stay in one place.
add_library(gw_boost INTERFACE)
target_link_libraries(gw_boost INTERFACE Boost::headers Threads::Threads)
# The recycling cache keeps freed coroutine frames per thread for reuse; Asio's default (2) is
# smaller than the frames one proxied request has alive at once, so most frames went back to
# malloc (bench/RESULTS.md, "Per-request cost next to nginx"). It sizes Asio's per-thread state:
# every target that includes Asio gets it from here, so all agree.
target_compile_definitions(gw_boost INTERFACE BOOST_ASIO_NO_DEPRECATED BOOST_ASIO_DISABLE_BOOST_COROUTINE
  BOOST_ASIO_RECYCLING_ALLOCATOR_CACHE_SIZE=16)

# LLVM 19: the shared libLLVM (fast links on 2 cores), found through llvm-config.
find_program(LLVM_CONFIG NAMES llvm-config-19 llvm-config PATHS /usr/lib/llvm-19/bin NO_DEFAULT_PATH)
if(NOT LLVM_CONFIG)
  message(FATAL_ERROR "llvm-config for LLVM 19 not found: run scripts/install-deps")
endif()
execute_process(COMMAND ${LLVM_CONFIG} --includedir OUTPUT_VARIABLE LLVM_INCLUDE_DIR OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${LLVM_CONFIG} --libdir OUTPUT_VARIABLE LLVM_LIB_DIR OUTPUT_STRIP_TRAILING_WHITESPACE)
add_library(gw_llvm INTERFACE)
target_include_directories(gw_llvm SYSTEM INTERFACE ${LLVM_INCLUDE_DIR})
target_link_directories(gw_llvm INTERFACE ${LLVM_LIB_DIR})
target_link_libraries(gw_llvm INTERFACE LLVM-19)
target_compile_definitions(gw_llvm INTERFACE __STDC_CONSTANT_MACROS __STDC_FORMAT_MACROS __STDC_LIMIT_MACROS)

# ANTLR 4: Debian's tool (4.7.2) generates at build time; the runtime is 4.9.
find_program(ANTLR4_TOOL antlr4 REQUIRED)
find_path(ANTLR4_INCLUDE_DIR antlr4-runtime.h PATHS /usr/include/antlr4-runtime REQUIRED)
find_library(ANTLR4_RUNTIME_LIB antlr4-runtime REQUIRED)
