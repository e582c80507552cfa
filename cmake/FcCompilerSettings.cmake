# Project-wide compiler settings: warnings, sanitizers, ccache.
find_program(FC_CCACHE ccache)
if(FC_CCACHE)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${FC_CCACHE}")
  # The torch precompiled header changes the command line ccache hashes; these keep hits possible.
  set(ENV{CCACHE_SLOPPINESS} "pch_defines,time_macros,include_file_mtime,include_file_ctime")
endif()

add_compile_options(-Wall -Wextra)
if(FC_WERROR)
  add_compile_options(-Werror)
endif()

if(FC_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# fc_add_test(<name> SOURCES ... LIBS ... LABELS ...)
# One Qt Test executable per tested module, registered with CTest. Every test runs with the offscreen
# platform so widget tests work without a display.
function(fc_add_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE Qt6::Test ${ARG_LIBS})
  target_compile_definitions(${name} PRIVATE
    FC_SHARED_DIR="${FC_SHARED_DIR}"
    FC_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    FC_BINARY_DIR="${PROJECT_BINARY_DIR}")
  add_test(NAME ${name} COMMAND ${name})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  # OMP_WAIT_POLICY=PASSIVE: OpenMP threads that spin while waiting starve the test running beside them
  # (ctest -j2 on 2 cores); spinning made training ~16x slower under contention here.
  set_tests_properties(${name} PROPERTIES
    LABELS "${ARG_LABELS}"
    TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;XDG_RUNTIME_DIR=${PROJECT_BINARY_DIR}/xdg-runtime;OMP_NUM_THREADS=2;OMP_WAIT_POLICY=PASSIVE")
endfunction()
