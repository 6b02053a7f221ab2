#!/usr/bin/env bash
# The end-to-end container suite (`make e2e`): host set-up when root, the
# static binary, then `go test -tags e2e` on e2e/ (scenarios run one at a
# time: this machine has 2 cores). Extra arguments go to `go test`, e.g.
#   bash e2e/run.sh -run 'TestAgentStop|Real'
# The full log is kept in e2e/out/e2e.log. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH
export CONTAINERS_CONF=${CONTAINERS_CONF:-/etc/launcher-tests/containers.conf}

if [[ $(id -u) == 0 ]]; then
  bash e2e/setup-host.sh # idempotent: seconds once the base images exist
fi
make -s build
go vet -tags e2e ./e2e/...
mkdir -p e2e/out
start=$SECONDS
rc=0
LAUNCHER_BIN=$PWD/bin/launcher go test -tags e2e -count=1 -v -timeout 25m ./e2e/... "$@" 2>&1 | tee e2e/out/e2e.log || rc=$?
echo
echo "e2e summary ($((SECONDS - start)) s):"
grep -E '^\s*--- (PASS|FAIL|SKIP)' e2e/out/e2e.log || true
exit "$rc"
