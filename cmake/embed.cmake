# pm_embed_files(TARGET name NAMESPACE ns FILES f1 f2 ...)
# Generates a .cpp that holds each data file as a byte array, a lookup
# function `std::string_view ns::embedded_file(std::string_view name)` and
# `std::vector<std::string_view> ns::embedded_names()` (in FILES order), where
# name is the file's base name. Data files stay data; the build embeds them.
function(pm_embed_files)
  cmake_parse_arguments(E "" "TARGET;NAMESPACE" "FILES" ${ARGN})
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${E_TARGET}_embedded.cpp")
  set(script "${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNS=${E_NAMESPACE} "-DFILES=${E_FILES}" -P ${script}
    DEPENDS ${E_FILES} ${script}
    COMMENT "Embedding data files for ${E_TARGET}"
    VERBATIM)
  target_sources(${E_TARGET} PRIVATE "${out}")
endfunction()
