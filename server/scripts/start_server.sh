# Sourced by scripts that need a running dashboard-server (bash).
#
#   start_server WORKDIR BINARY SUBCOMMAND [FLAGS...]
#
# Starts the server in the background with --port 0 and waits for its one
# "listening on URL" line (never a fixed sleep). Sets SERVER_PID and SERVER_URL;
# stdout/stderr go to WORKDIR/server.out and WORKDIR/server.err. The caller stops it
# with: kill "$SERVER_PID".
start_server() {
  local work=$1
  shift
  "$@" --port 0 >"$work/server.out" 2>"$work/server.err" &
  SERVER_PID=$!
  local _
  for _ in $(seq 1 1200); do
    if grep -q '^listening on ' "$work/server.out"; then
      SERVER_URL=$(sed -n 's/^listening on //p' "$work/server.out")
      return 0
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "dashboard-server exited:" >&2
      cat "$work/server.err" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "dashboard-server did not start listening within 120 s" >&2
  return 1
}
