#!/usr/bin/env bash
# memory.sh: `make bench-memory`. Runs the Stress program (Stress.java) in
# fresh cgroup v1 memory groups without swap through `launcher exec`, and
# the same workloads through plain java as baselines, then prints one table
# and checks the targets of issue 4. Needs root and a cgroup v1 memory
# controller. Exits 1 when a target is missed.
#
#   LAUNCHER=bin/launcher   the launcher binary; when it is missing the
#                           jvm/internal/planprog driver stands in for it
#   LIMITS="256 512 1024 2048"  limits in MiB
#   BASELINES=1             also run the plain-java baselines (0 to skip)
set -euo pipefail
cd "$(dirname "$0")/../.."
LAUNCHER=${LAUNCHER:-bin/launcher}
LIMITS=${LIMITS:-256 512 1024 2048}
BASELINES=${BASELINES:-1}
GO=${GO:-go}

if [ "$(id -u)" != 0 ]; then echo "memory.sh: needs root (cgroups)" >&2; exit 1; fi
mempath=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3; exit}' /proc/self/cgroup)
parent=/sys/fs/cgroup/memory${mempath%/}
if [ -z "$mempath" ] || [ ! -f "$parent/memory.limit_in_bytes" ]; then
  echo "memory.sh: no cgroup v1 memory controller for this process" >&2; exit 1
fi

work=$(mktemp -d)
groups=()
cleanup() {
  for g in "${groups[@]}"; do
    [ -d "$g" ] || continue
    while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done <"$g/cgroup.procs"
    for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir "$g" 2>/dev/null && break; sleep 0.2; done
  done
  rm -rf "$work"
}
trap cleanup EXIT

javac -d "$work/classes" jvm/bench/Stress.java
if [ -x "$LAUNCHER" ]; then
  run_launcher=("$LAUNCHER" exec --)
  driver="launcher exec ($LAUNCHER)"
else
  CGO_ENABLED=0 $GO build -o "$work/planprog" ./jvm/internal/planprog
  run_launcher=("$work/planprog")
  driver="jvm/internal/planprog (no executable $LAUNCHER: build it with make build)"
fi
echo "driver: $driver; java: $(java -version 2>&1 | head -1)" >&2

# Warm the page cache outside the measured groups: a group is charged for
# the file pages it reads first, and the JDK's own files are not the JVM's
# memory use.
java -version >/dev/null 2>&1
java -Xmx16m -cp "$work/classes" Stress 4 100 1 >/dev/null 2>&1 || true
"${run_launcher[@]}" java -version >/dev/null 2>&1 || true

n=0
# cell NAME LIMIT_MIB ENV... -- CMD...: one run in a fresh group; appends a
# row to $work/rows: name limit outcome kills filled% peak% peakMiB phase
cell() {
  local name=$1 lim=$2; shift 2
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  n=$((n + 1))
  local g=$parent/launcher-bench-$$-$n
  mkdir "$g"; groups+=("$g")
  echo $((lim << 20)) >"$g/memory.limit_in_bytes"
  if [ -f "$g/memory.memsw.limit_in_bytes" ]; then echo $((lim << 20)) >"$g/memory.memsw.limit_in_bytes"; fi
  echo 0 >"$g/memory.swappiness" 2>/dev/null || true
  local out=$work/out.$n err=$work/err.$n rc=0
  env "${envs[@]}" bash -c 'echo $$ >"$1/cgroup.procs"; shift; exec "$@"' _ "$g" "$@" >"$out" 2>"$err" || rc=$?
  local kills peak filled outcome phase
  kills=$(awk '$1=="oom_kill"{print $2}' "$g/memory.oom_control")
  kills=${kills:-0}
  peak=$(( $(cat "$g/memory.max_usage_in_bytes") >> 20 ))
  filled=$(grep -c '^filled' "$out" || true)
  phase=no; grep -q '^phase done' "$out" && phase=yes
  if [ "$kills" -gt 0 ]; then outcome="KERNEL OOM KILL"
  # HotSpot prints "Terminating due to java.lang.OutOfMemoryError: X" on
  # stdout; an uncaught one goes to stderr; Stress's own catch prints
  # "java oome X".
  elif grep -hq 'OutOfMemoryError: ' "$out" "$err"; then outcome="java OOME: $(sed -n 's/.*OutOfMemoryError: *//p' "$out" "$err" | head -1 | cut -c1-40)"
  elif grep -q '^java oome' "$out"; then outcome="java OOME: $(sed -n 's/^java oome *//p' "$out" | head -1 | cut -c1-40)"
  else outcome="exit $rc"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$lim" "$outcome" "$kills" "$filled" $((filled * 100 / lim)) "$peak" $((peak * 100 / lim)) "$phase" >>"$work/rows"
  printf '%-28s %5s MiB  %-34s kills=%s filled=%sMiB peak=%sMiB phase=%s\n' "$name" "$lim" "$outcome" "$kills" "$filled" "$peak" "$phase" >&2
  if [ "$kills" -gt 0 ] || [ "$filled" = 0 ]; then sed 's/^/    | /' "$err" | grep -v '^    | planprog: java' | head -5 >&2 || true; fi
  grep -h '^planprog: java\|flags' "$err" | head -1 | sed 's/^/    /' >&2 || true
  rmdir "$g" 2>/dev/null || true
}

light=(60 3000 16)
heavy=(300 20000 64)
cp=(-cp "$work/classes" Stress)
for lim in $LIMITS; do
  cell "launcher light" "$lim" -- "${run_launcher[@]}" java "${cp[@]}" "${light[@]}"
  cell "launcher heavy" "$lim" -- "${run_launcher[@]}" java "${cp[@]}" "${heavy[@]}"
  cell "launcher heavy + hints" "$lim" LAUNCHER_JVM_THREADS=300 LAUNCHER_JVM_CLASSES=20000 -- "${run_launcher[@]}" java "${cp[@]}" "${heavy[@]}"
  if [ "$BASELINES" = 1 ]; then
    for w in light heavy; do
      declare -n args=$w
      cell "java default $w" "$lim" -- java "${cp[@]}" "${args[@]}"
      cell "java MaxRAMPercentage=75 $w" "$lim" -- java -XX:MaxRAMPercentage=75.0 "${cp[@]}" "${args[@]}"
      cell "java MaxRAMFraction=1 $w" "$lim" -- java -XX:MaxRAMFraction=1 "${cp[@]}" "${args[@]}"
      unset -n args
    done
  fi
done
cell "launcher light, JVM_MEMORY=50%" 1024 LAUNCHER_JVM_MEMORY=50% -- "${run_launcher[@]}" java "${cp[@]}" "${light[@]}"

echo
echo "driver: $driver"
echo
echo "| config | limit MiB | outcome | kernel OOM kills | heap filled MiB | filled % of limit | peak MiB | peak % of limit | phase done |"
echo "|---|---|---|---|---|---|---|---|---|"
awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s%% | %s | %s%% | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9}' "$work/rows"

# Targets of issue 4, for the launcher's rows only.
fail=0
check() { echo "target: $1: $2"; [ "$2" = ok ] || fail=1; }
while IFS=$'\t' read -r name lim outcome kills filled pct peak peakpct phase; do
  case $name in launcher*) ;; *) continue ;; esac
  [ "$kills" = 0 ] || check "$name at $lim MiB: no kernel OOM kill" "FAILED ($kills kills)"
  want=
  case "$name/$lim" in
    "launcher light/256") want=55 ;; "launcher light/512") want=70 ;;
    "launcher light/1024") want=78 ;; "launcher light/2048") want=82 ;;
    "launcher heavy + hints/1024") want=45 ;; "launcher heavy + hints/2048") want=65 ;;
  esac
  if [ -n "$want" ]; then
    r=ok; [ "$pct" -ge "$want" ] || r="FAILED ($pct%)"
    check "$name at $lim MiB fills >= $want%" "$r"
  fi
  case "$name/$lim" in "launcher heavy + hints/1024" | "launcher heavy + hints/2048")
    r=ok; [ "$phase" = yes ] || r=FAILED; check "$name at $lim MiB completes its thread/class/direct phase" "$r" ;;
  esac
  case $name in *"JVM_MEMORY=50%"*)
    r=ok; [ "$peakpct" -le 52 ] || r="FAILED ($peakpct%)"; check "$name peak within 52% of the limit" "$r" ;;
  esac
done <"$work/rows"
[ "$fail" = 0 ] && echo "all targets met" || echo "some targets missed"
exit "$fail"
