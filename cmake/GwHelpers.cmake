# Adds every immediate subdirectory of the current source dir that has a CMakeLists.txt, so
# components (runtime/http, tests/unit/sema, ...) plug in without editing a shared file.
function(gw_add_component_dirs)
  file(GLOB children LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/*)
  list(SORT children)
  foreach(child ${children})
    if(IS_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/${child} AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${child}/CMakeLists.txt)
      add_subdirectory(${child})
    endif()
  endforeach()
endfunction()

# gw_add_gtest(name SOURCES a.cc b.cc LIBS x y [LABELS l]): a GoogleTest binary registered with CTest.
function(gw_add_gtest name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main gw_warnings)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "GW_SOURCE_DIR=${CMAKE_SOURCE_DIR};GW_BINARY_DIR=${CMAKE_BINARY_DIR}"
    LABELS "${T_LABELS}" TIMEOUT 600)
endfunction()

# gw_add_fuzzer(name SOURCES ... LIBS ... CORPUS dir): a libFuzzer target; with GW_FUZZ a CTest
# entry runs it for a bounded time on its seed corpus.
function(gw_add_fuzzer name)
  cmake_parse_arguments(F "" "CORPUS;DICT" "SOURCES;LIBS" ${ARGN})
  if(NOT GW_FUZZ)
    return()
  endif()
  add_executable(${name} ${F_SOURCES})
  target_link_libraries(${name} PRIVATE ${F_LIBS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
  set(args -max_total_time=$ENV{GW_FUZZ_SECONDS} -timeout=10 -rss_limit_mb=2048)
  if(NOT DEFINED ENV{GW_FUZZ_SECONDS})
    set(args -max_total_time=30 -timeout=10 -rss_limit_mb=2048)
  endif()
  if(F_DICT)
    list(APPEND args -dict=${F_DICT})
  endif()
  set(workdir ${CMAKE_BINARY_DIR}/fuzz/${name}.corpus)
  # One bash word per option: a CMake list quoted into the command would keep its ';', which
  # bash takes as command separators (the fuzzer then ran without its limits, dictionary and
  # corpus directories).
  list(JOIN args " " argline)
  add_test(NAME fuzz_${name}
    COMMAND ${CMAKE_COMMAND} -E env bash -c "mkdir -p ${workdir} && exec $<TARGET_FILE:${name}> ${argline} ${workdir} ${F_CORPUS}")
  set_tests_properties(fuzz_${name} PROPERTIES LABELS fuzz TIMEOUT 900)
endfunction()
