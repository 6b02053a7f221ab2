#!/usr/bin/env bash
# Smoke test of `make dist`: both binaries are static ELF files for their
# architecture, and the arm64 one (Fargate and EKS on Graviton) runs here
# under qemu-user: `plan --json` prints JSON with a "limits" key, the same
# limits as the amd64 binary sees, and never the secret. Prints the sizes.
# Builds dist/ first when a binary is missing (DIST_REBUILD=1 forces it).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH

amd64=dist/launcher-linux-amd64
arm64=dist/launcher-linux-arm64
say() { echo "dist-smoke: $*" >&2; }
fail() { say "FAIL: $*"; exit 1; }

if [[ -n ${MAKELEVEL:-} ]]; then
  # Called from the Makefile's dist target: never recurse into it.
  [[ -x $amd64 && -x $arm64 ]] || fail "$amd64 or $arm64 missing"
elif [[ ${DIST_REBUILD:-0} == 1 || ! -x $amd64 || ! -x $arm64 ]]; then
  make --no-print-directory dist >&2
fi

qemu=$(command -v qemu-aarch64-static || command -v qemu-aarch64 || true)
if [[ -z $qemu ]]; then
  if [[ $(id -u) == 0 ]]; then bash e2e/setup-host.sh; qemu=$(command -v qemu-aarch64-static || true); fi
  [[ -n $qemu ]] || fail "qemu-aarch64-static not found (apt-get install qemu-user-static)"
fi

# ELF e_machine (offset 18, little endian): 62 = x86-64, 183 = AArch64. A
# static binary has no PT_INTERP program header, so no "/lib" loader path.
elf_machine() { od -An -tu2 -j18 -N2 "$1" | tr -d ' '; }
check_elf() {
  local bin=$1 want=$2
  [[ $(head -c4 "$bin" | od -An -c | tr -d ' ') == '177ELF' ]] || fail "$bin is not an ELF file"
  [[ $(elf_machine "$bin") == "$want" ]] || fail "$bin: ELF machine $(elf_machine "$bin"), want $want"
  if grep -aq 'ld-linux' "$bin"; then fail "$bin names a dynamic loader: not static"; fi
}
check_elf "$amd64" 62
check_elf "$arm64" 183

secret=dist-smoke-$RANDOM$RANDOM
run_plan() {
  # A clean environment: the plan of a Kubernetes-style agent container.
  env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp \
    JENKINS_URL=http://127.0.0.1:9/ JENKINS_SECRET="$secret" JENKINS_AGENT_NAME=dist-smoke \
    "$@" plan --json
}

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$qemu" "$arm64" version >"$out/version" || fail "arm64 version under $qemu exited $?"
rc=0
run_plan "$qemu" "$arm64" >"$out/arm64.json" 2>"$out/arm64.log" || rc=$?
run_plan "./$amd64" >"$out/amd64.json" 2>/dev/null || true

if grep -q "$secret" "$out/arm64.json" "$out/arm64.log"; then fail "the secret appears in the plan or its log"; fi

if command -v python3 >/dev/null; then
  python3 - "$out/arm64.json" "$out/amd64.json" <<'PY' || fail "arm64 plan --json (exit $rc): see above"
import json, sys
try:
    arm = json.load(open(sys.argv[1]))
except ValueError as e:
    sys.exit("arm64 plan --json is not JSON: %s: %r" % (e, open(sys.argv[1]).read()[:300]))
if not isinstance(arm, dict) or "limits" not in arm:
    sys.exit("arm64 plan --json has no \"limits\" key: %r" % (arm,))
try:
    amd = json.load(open(sys.argv[2]))
except ValueError:
    amd = None
if amd is not None and amd.get("limits") != arm["limits"]:
    sys.exit("limits differ between arm64 %r and amd64 %r" % (arm["limits"], amd.get("limits")))
print("dist-smoke: arm64 limits %s" % json.dumps(arm["limits"], sort_keys=True), file=sys.stderr)
PY
else
  # No python3: the shape, at least.
  tr -d '\n' <"$out/arm64.json" | grep -Eq '^[[:space:]]*\{.*"limits"[[:space:]]*:.*\}[[:space:]]*$' \
    || fail "arm64 plan --json (exit $rc) is not a JSON object with \"limits\": $(head -c 300 "$out/arm64.json")"
fi

say "arm64 under $(basename "$qemu"): $(cat "$out/version"), plan --json valid (exit $rc)"
for b in "$amd64" "$arm64"; do
  say "$(basename "$b"): $(stat -c %s "$b") bytes"
done
