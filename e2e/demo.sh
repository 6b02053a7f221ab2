#!/usr/bin/env bash
# `make demo`: the launcher in a real container on this machine. Builds the
# agent image from the Dockerfile (no agent.jar inside: the launcher
# downloads the stand-in's from the controller), starts the stand-in
# controller on the host, runs the agent with -m 512m -u 65534,
# shows the launcher's log, the controller's "agent connected" line and the
# agent's report, then stops it the way Kubernetes and ECS do (SIGTERM) and
# shows the exit code. Needs root; base images come from e2e/setup-host.sh
# and are reused, so a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH
export CONTAINERS_CONF=${CONTAINERS_CONF:-/etc/launcher-tests/containers.conf}
# Free ports are picked unless given: other services may hold fixed ones.
http_port=${DEMO_HTTP_PORT:-0}
agent_port=${DEMO_AGENT_PORT:-0}
image=localhost/launcher-agent:demo
name=launcher-demo
out=e2e/out/demo

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [[ $(id -u) != 0 ]]; then
  echo "demo: run as root (podman with cgroup limits)" >&2
  exit 1
fi
podman image exists localhost/jre17:local || bash e2e/setup-host.sh
mkdir -p "$out"

step "Build the image from the Dockerfile (make image), the stand-in agent.jar and controller"
TAG=demo bash e2e/image.sh
if [[ ! -s $out/agent.jar || e2e/agent/Agent.java -nt $out/agent.jar ]]; then
  rm -rf "$out/classes"
  javac --release 11 -d "$out/classes" e2e/agent/Agent.java
  jar --create --file "$out/agent.jar" --main-class Agent -C "$out/classes" .
fi
go build -o "$out/standin-controller" ./e2e/standin/cmd/standin-controller

# The secret is made here and travels only through environments: neither
# the controller's nor podman's command line shows it.
JENKINS_SECRET=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
export JENKINS_SECRET STANDIN_SECRET=$JENKINS_SECRET

ctrl_pid=
cleanup() {
  podman rm -f -i -t 0 "$name" >/dev/null 2>&1 || true
  if [[ -n $ctrl_pid ]]; then kill "$ctrl_pid" 2>/dev/null || true; wait "$ctrl_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT
podman rm -f -i -t 0 "$name" >/dev/null 2>&1 || true

step "Start the stand-in controller on the host's 127.0.0.1"
"$out/standin-controller" -http "127.0.0.1:$http_port" -agent "127.0.0.1:$agent_port" -jar "$out/agent.jar" \
  >"$out/reports.json" 2>"$out/controller.log" &
ctrl_pid=$!
url=
for _ in $(seq 100); do
  url=$(sed -n 's/.*msg="stand-in controller listening" url=\([^ ]*\).*/\1/p' "$out/controller.log")
  [[ -n $url ]] && break
  kill -0 "$ctrl_pid" 2>/dev/null || break
  sleep 0.1
done
if [[ -z $url ]]; then
  cat "$out/controller.log" >&2
  echo "demo: the stand-in controller did not start" >&2
  exit 1
fi
echo "controller at $url"

step "Run the agent: podman run -m 512m -u 65534 (Kubernetes-style environment)"
set -x
podman run -d --name "$name" --network host -m 512m -u 65534 \
  -e JENKINS_URL="$url" -e JENKINS_SECRET -e JENKINS_AGENT_NAME=demo-agent \
  -e REMOTING_OPTS="-noReconnectAfter 1d" "$image" >/dev/null
{ set +x; } 2>/dev/null

# Wait for the agent's report (up to 60 s); nothing signals it but the log.
for _ in $(seq 300); do
  grep -q 'agent demo-agent connected' "$out/controller.log" && break
  [[ $(podman inspect --format '{{.State.Running}}' "$name") == true ]] || break
  sleep 0.2
done

step "The launcher's log (limits, JVM flags, home, waiting for the controller)"
podman logs "$name" 2>&1
step "The stand-in controller's log"
cat "$out/controller.log"
if ! grep -q 'agent demo-agent connected' "$out/controller.log"; then
  echo "demo: the agent did not connect" >&2
  exit 1
fi
step "The agent's report (what the launcher started)"
cat "$out/reports.json"

step "Stop it as Kubernetes and ECS do: podman stop (SIGTERM, SIGKILL after 10 s)"
start=$(date +%s.%N)
podman stop -t 10 "$name" >/dev/null
end=$(date +%s.%N)
code=$(podman inspect --format '{{.State.ExitCode}}' "$name")
awk -v s="$start" -v e="$end" -v c="$code" 'BEGIN { printf "stopped in %.2f s, exit code %s (143 = 128 + SIGTERM: the agent ended on the signal)\n", e - s, c }'
[[ $code == 143 ]]
