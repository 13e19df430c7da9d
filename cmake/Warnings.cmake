# bgp_set_warnings(<target>...)
#
# The project's warning set for its own targets (STYLE.md "Habits"): every warning we care
# about is an error. Dependencies come in through imported targets, whose include
# directories CMake already passes as -isystem, so their headers do not trip these.
include_guard(GLOBAL)

function(bgp_set_warnings)
    foreach(target IN LISTS ARGN)
        get_target_property(_type ${target} TYPE)
        if(_type STREQUAL "INTERFACE_LIBRARY")
            continue()
        endif()
        target_compile_options(${target} PRIVATE
            $<$<COMPILE_LANG_AND_ID:CXX,GNU,Clang,AppleClang>:
                -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Werror>)
    endforeach()
endfunction()
