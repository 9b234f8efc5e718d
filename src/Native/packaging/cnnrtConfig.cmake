# cnnrtConfig.cmake - lets a CMake project use libcnnrt.so from a publish folder:
#   cmake -DCMAKE_PREFIX_PATH=<publish dir> ...      find_package(cnnrt 0.1 REQUIRED)
#   target_link_libraries(app PRIVATE cnnrt::cnnrt)
# Relocatable: paths are relative to this file (<prefix>/lib/cmake/cnnrt/), the library is <prefix>/libcnnrt.so and
# the header <prefix>/include/cnnrt.h, as `dotnet publish src/Native -r linux-x64 -o <prefix>` lays them out.
get_filename_component(_cnnrt_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)

if(NOT EXISTS "${_cnnrt_prefix}/libcnnrt.so" OR NOT EXISTS "${_cnnrt_prefix}/include/cnnrt.h")
  set(cnnrt_FOUND FALSE)
  set(cnnrt_NOT_FOUND_MESSAGE "libcnnrt.so or include/cnnrt.h is missing under ${_cnnrt_prefix}")
  return()
endif()

if(NOT TARGET cnnrt::cnnrt)
  add_library(cnnrt::cnnrt SHARED IMPORTED)
  set_target_properties(cnnrt::cnnrt PROPERTIES
    IMPORTED_LOCATION "${_cnnrt_prefix}/libcnnrt.so"
    IMPORTED_SONAME "libcnnrt.so"
    INTERFACE_INCLUDE_DIRECTORIES "${_cnnrt_prefix}/include")
endif()

set(cnnrt_INCLUDE_DIR "${_cnnrt_prefix}/include")
set(cnnrt_LIBRARY "${_cnnrt_prefix}/libcnnrt.so")
set(cnnrt_FOUND TRUE)
unset(_cnnrt_prefix)
