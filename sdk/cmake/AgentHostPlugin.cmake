# agent_host_add_plugin(<target> SOURCES <files...> [LIBS <targets...>])
#
# Builds a plugin: a shared module named ah-<target>.so that exports only the
# entry symbol. Used in this tree and, installed, by out-of-tree plugins after
# find_package(AgentHostSDK). A plugin whose sources are all C links only the
# C header (AgentHost::abi); any C++ source brings the C++ layer (AgentHost::sdk).
function(agent_host_add_plugin target)
  cmake_parse_arguments(P "" "" "SOURCES;LIBS" ${ARGN})
  if(NOT P_SOURCES)
    message(FATAL_ERROR "agent_host_add_plugin(${target}): SOURCES is empty; "
                        "list the plugin's source files after SOURCES")
  endif()
  set(sdk_target AgentHost::abi)
  foreach(source IN LISTS P_SOURCES)
    if(source MATCHES "\\.(cpp|cc|cxx|c\\+\\+|C)$")
      set(sdk_target AgentHost::sdk)
    endif()
  endforeach()
  add_library(${target} MODULE ${P_SOURCES})
  target_link_libraries(${target} PRIVATE ${sdk_target} ${P_LIBS})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "ah-${target}"
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  # -fno-gnu-unique: without it dlclose may silently keep the library mapped.
  # --no-undefined: a missing symbol fails the build, not the host at load time.
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANG_AND_ID:CXX,GNU>:-fno-gnu-unique>)
  # -fvisibility=hidden does not hide the standard library's template
  # instantiations; a version script leaves the entry symbol as the only export,
  # so two plugins never bind to each other's copies.
  set(exports ${CMAKE_CURRENT_BINARY_DIR}/${target}.exports)
  file(WRITE ${exports}.in "{\n  global: agent_host_plugin_entry;\n  local: *;\n};\n")
  configure_file(${exports}.in ${exports} COPYONLY)  # rewritten only when it changes
  target_link_options(${target} PRIVATE -Wl,--version-script=${exports})
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${exports})
  if(NOT CMAKE_CXX_FLAGS MATCHES "sanitize" AND NOT AH_SANITIZE)
    target_link_options(${target} PRIVATE -Wl,--no-undefined)
  endif()
  # In this source tree the product's plugins install next to the host's
  # default plugin directory; an out-of-tree project adds its own install rule.
  if(PROJECT_NAME STREQUAL "agent-host")
    install(TARGETS ${target} LIBRARY DESTINATION lib/agent-host/plugins)
  endif()
endfunction()
