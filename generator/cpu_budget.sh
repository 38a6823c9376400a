# Sourced by scripts that train for a budget of CPU time rather than wall time, so that what they
# measure does not depend on what else the machine runs:
#
#   run_for_cpu_seconds SECONDS COMMAND...
#
# runs COMMAND in the background and sends it SIGINT once it has used SECONDS of CPU (user + system;
# `hallmark train` then finishes its step and saves, its Ctrl-C path), then waits for it.
run_for_cpu_seconds() {
  local budget=$1
  shift
  local ticks
  ticks=$(getconf CLK_TCK)
  "$@" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    local cpu
    cpu=$(awk -v t="$ticks" '{print int(($14 + $15) / t)}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    if [ "$cpu" -ge "$budget" ]; then
      kill -INT "$pid"
      break
    fi
    sleep 1
  done
  wait "$pid"
}
