# Project-wide instrumentation switched by BGP_SANITIZE and BGP_FUZZ. Included by the
# top-level CMakeLists.txt before any target is created, so the flags reach the library,
# the tests, the examples and the tools alike.
include_guard(GLOBAL)

if(BGP_SANITIZE AND BGP_FUZZ)
    message(FATAL_ERROR "BGP_SANITIZE and BGP_FUZZ are exclusive (BGP_FUZZ already adds "
                        "address and undefined sanitizers)")
endif()

if(BGP_SANITIZE)
    message(STATUS "libbgp: BGP_SANITIZE=ON (address, undefined)")
    set(_bgp_san -fsanitize=address,undefined -fno-omit-frame-pointer
                 -fno-sanitize-recover=all)
    add_compile_options(${_bgp_san})
    add_link_options(${_bgp_san})
endif()

if(BGP_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        message(FATAL_ERROR "BGP_FUZZ=ON needs clang (libFuzzer); configure with "
                            "CC=clang CXX=clang++ (found ${CMAKE_CXX_COMPILER_ID})")
    endif()
    message(STATUS "libbgp: BGP_FUZZ=ON (libFuzzer, address, undefined)")
    # Everything is compiled with coverage instrumentation; only the fuzz targets link
    # libFuzzer itself (-fsanitize=fuzzer is added per target in tests/fuzz handling).
    add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
                        -fno-omit-frame-pointer -fno-sanitize-recover=all)
    add_link_options(-fsanitize=address,undefined)
endif()
