#!/usr/bin/env bash
# Builds the product images from the Dockerfile (`make image`):
#   localhost/launcher:$TAG        FROM scratch, only /launcher (--target launcher)
#   localhost/launcher-agent:$TAG  the agent stage on a JRE base
# with podman, or docker when podman is missing and a docker engine answers.
# Nothing can be pulled on these machines, so the bases default to the local
# images that e2e/setup-host.sh builds. Re-runs reuse the layer and Go build
# caches and take seconds.
#
# Environment (all optional):
#   TAG            image tag (default dev)
#   JRE            jre11 | jre17 | jre21: picks localhost/$JRE:local (default jre17)
#   JRE_IMAGE      any JRE base instead (overrides JRE)
#   GO_IMAGE       Go toolchain image (default localhost/golang:local)
#   AGENT_JAR      path of an agent.jar inside the repository to bake in
#   AGENT_JAR_URL  URL of an agent.jar to bake in (AGENT_JAR_SHA256 to pin it)
#   VERSION        version stamp (default: git describe)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH
if [[ -z ${CONTAINERS_CONF:-} && -f /etc/launcher-tests/containers.conf ]]; then
  export CONTAINERS_CONF=/etc/launcher-tests/containers.conf
fi

TAG=${TAG:-dev}
JRE=${JRE:-jre17}
JRE_IMAGE=${JRE_IMAGE:-localhost/$JRE:local}
GO_IMAGE=${GO_IMAGE:-localhost/golang:local}
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}

say() { echo "image: $*" >&2; }

if command -v podman >/dev/null; then
  engine=podman
elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  engine=docker
else
  say "neither podman nor a running docker engine found (as root: bash e2e/setup-host.sh)"
  exit 1
fi

image_exists() {
  if [[ $engine == podman ]]; then podman image exists "$1"; else docker image inspect "$1" >/dev/null 2>&1; fi
}
# A missing localhost/ image otherwise shows up as a confusing pull attempt.
for base in "$GO_IMAGE" "$JRE_IMAGE"; do
  if [[ $base == localhost/* ]] && ! image_exists "$base"; then
    say "base image $base is missing: run e2e/setup-host.sh as root (it builds it once per machine)"
    exit 1
  fi
done

args=(--build-arg "GO_IMAGE=$GO_IMAGE" --build-arg "JRE_IMAGE=$JRE_IMAGE" --build-arg "VERSION=$VERSION")
for v in AGENT_JAR AGENT_JAR_URL AGENT_JAR_SHA256; do
  if [[ -n ${!v:-} ]]; then args+=(--build-arg "$v=${!v}"); fi
done

if [[ $engine == podman ]]; then
  # Offline and fast: the host's module cache, read-only, instead of the
  # proxy (which inside a container would also need the host's CA bundle).
  if command -v go >/dev/null && go mod download 2>/dev/null; then
    args+=(-v "$(go env GOMODCACHE):/go/pkg/mod:ro"
      --build-arg GOMODCACHE=/go/pkg/mod --build-arg GOPROXY=off --build-arg GOFLAGS=-mod=mod)
  else
    args+=(-v /etc/ssl/certs:/etc/ssl/certs:ro)
  fi
  # Only what the Go build needs goes into the context (so that editing
  # the Dockerfile or a test script keeps the build cached), unless the
  # repository has a .dockerignore of its own.
  if [[ ! -f .dockerignore ]]; then
    ignore=$(mktemp)
    trap 'rm -f "$ignore"' EXIT
    printf '%s\n' .git .ci bin dist e2e Dockerfile '*.md' '**/*.test' '**/*.prof' >"$ignore"
    if [[ -n ${AGENT_JAR:-} ]]; then echo "!$AGENT_JAR" >>"$ignore"; fi
    args+=(--ignorefile "$ignore")
  fi
fi

build() {
  local target=$1 tag=$2
  local start=$SECONDS
  "$engine" build -q --target "$target" -t "$tag" "${args[@]}" -f Dockerfile . >/dev/null
  say "built $tag (target $target, $((SECONDS - start)) s)"
}

build launcher "localhost/launcher:$TAG"
build agent "localhost/launcher-agent:$TAG"

# A broken binary, ENTRYPOINT or permission should fail here, not in the
# first scenario that happens to need it.
smoke() { "$engine" run --rm "$@" >/dev/null || { say "FAIL: $engine run $*"; exit 1; }; }
smoke "localhost/launcher:$TAG" version
# The init-container flow: the scratch image installs itself into a volume.
shared=$(mktemp -d)
trap 'rm -f "${ignore:-}"; rm -rf "$shared"' EXIT
smoke -v "$shared:/shared" "localhost/launcher:$TAG" install /shared
[[ $(stat -c %a "$shared/launcher") == 755 ]] && "$shared/launcher" version >/dev/null \
  || { say "FAIL: launcher install /shared did not leave an executable /shared/launcher"; exit 1; }
smoke --entrypoint /usr/local/bin/jenkins-agent "localhost/launcher-agent:$TAG" version
smoke --entrypoint /bin/sh "localhost/launcher-agent:$TAG" -c \
  '[ "$(id -un):$(id -u)" = jenkins:1000 ] && [ "$PWD" = "$HOME" ] && [ -w "$JENKINS_AGENT_WORKDIR" ]'
# OpenShift: an arbitrary UID in group 0 can write the agent's directories.
smoke -u 1000100000:0 --entrypoint /bin/sh "localhost/launcher-agent:$TAG" -c \
  'touch "$HOME/.jenkins/w" "$JENKINS_AGENT_WORKDIR/w" /usr/share/jenkins/w'
"$engine" images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "^localhost/launcher(-agent)?:$TAG " >&2 || true
