# cmake -DSTACKC=path/to/stackc -DOUT=dir -P completions.cmake: writes what
# `stackc completion SHELL` prints for each shell, under the names the shells look for.
foreach(pair "bash;stackc.bash" "zsh;_stackc" "fish;stackc.fish")
  list(GET pair 0 shell)
  list(GET pair 1 name)
  execute_process(COMMAND ${STACKC} completion ${shell} OUTPUT_FILE ${OUT}/${name}
    RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "stackc completion ${shell} failed: ${status}")
  endif()
endforeach()
