# agent_host_add_plugin(<target> SOURCES <files...> [LIBS <targets...>])
#
# Builds a plugin: a shared module named ah-<target>.so that exports only the
# entry symbol. Used in this tree and, installed, by out-of-tree plugins after
# find_package(AgentHostSDK).
function(agent_host_add_plugin target)
  cmake_parse_arguments(P "" "" "SOURCES;LIBS" ${ARGN})
  if(NOT P_SOURCES)
    message(FATAL_ERROR "agent_host_add_plugin(${target}): SOURCES is empty")
  endif()
  add_library(${target} MODULE ${P_SOURCES})
  target_link_libraries(${target} PRIVATE AgentHost::sdk ${P_LIBS})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "ah-${target}"
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  # -fno-gnu-unique: without it dlclose may silently keep the library mapped.
  # --no-undefined: a missing symbol fails the build, not the host at load time.
  target_compile_options(${target} PRIVATE $<$<CXX_COMPILER_ID:GNU>:-fno-gnu-unique>)
  if(NOT CMAKE_CXX_FLAGS MATCHES "sanitize" AND NOT AH_SANITIZE)
    target_link_options(${target} PRIVATE -Wl,--no-undefined)
  endif()
endfunction()
