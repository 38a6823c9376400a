# hallmark_target_defaults(target): warnings and include layout shared by every Hallmark target.
# Sources include headers as "module/header.h" from the repository root.
function(hallmark_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align -Woverloaded-virtual)
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
endfunction()
