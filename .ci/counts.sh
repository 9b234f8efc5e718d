# Sourced by test.sh and tests/arm64/run.sh: adds up "N passed, N failed" lines into $passed and $failed.
# run_counted CMD...: runs CMD (its output shown as it comes) and adds the counts of the last such line it printed;
# a command that prints none counts as one failure.
run_counted() {
  local log counts
  log=$(mktemp)
  "$@" 2>&1 | tee "$log"
  counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
  rm -f "$log"
  if [ -z "$counts" ]; then
    echo "$1 reported no result"; failed=$((failed + 1))
  else
    passed=$((passed + $(cut -d' ' -f1 <<<"$counts"))); failed=$((failed + $(cut -d' ' -f3 <<<"$counts")))
  fi
}
