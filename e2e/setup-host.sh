#!/usr/bin/env bash
# Installs what the root-only and container tests need, and builds the local
# base images once per machine (nothing can be pulled here: see
# shared/docs/CONTAINERS.md). Idempotent: a second run takes seconds.
set -euo pipefail

need_pkgs=()
for p in podman runc debootstrap tini qemu-user-static libnss-wrapper procps util-linux git; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_pkgs+=("$p")
done
if ((${#need_pkgs[@]})); then
  echo "setup-host: installing ${need_pkgs[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

conf_dir=/etc/launcher-tests
mkdir -p "$conf_dir"
cat >"$conf_dir/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
[engine]
runtime = "runc"
CONF
export CONTAINERS_CONF="$conf_dir/containers.conf"

mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
cache=/var/cache/launcher-tests
mkdir -p "$cache"

# name suite jre-package
build_base() {
  local name=$1 suite=$2 jre=$3
  if podman image exists "localhost/$name:local"; then return 0; fi
  local tarball="$cache/$name.tar"
  if [[ ! -s $tarball ]]; then
    local rootfs
    rootfs=$(mktemp -d "$cache/$name.XXXX")
    echo "setup-host: debootstrap $suite with $jre (about a minute)" >&2
    debootstrap --variant=minbase --include="$jre,git,procps,libnss-wrapper" "$suite" "$rootfs" "$mirror" >"$cache/$name.log" 2>&1 \
      || { echo "setup-host: debootstrap $suite failed, see $cache/$name.log" >&2; rm -rf "$rootfs"; return 1; }
    tar -C "$rootfs" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$rootfs"
  fi
  podman import -q "$tarball" "localhost/$name:local" >/dev/null
}

bases=${LAUNCHER_TEST_BASES:-"jre17:bookworm:openjdk-17-jre-headless jre11:bullseye:openjdk-11-jre-headless jre21:trixie:openjdk-21-jre-headless"}
pids=()
for b in $bases; do
  IFS=: read -r name suite jre <<<"$b"
  build_base "$name" "$suite" "$jre" &
  pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done

# A Go toolchain image for the Dockerfile's build stage: the machine's Go on
# the bookworm base (go needs /bin/sh and /tmp).
if ! podman image exists localhost/golang:local; then
  ctx=$(mktemp -d)
  cp -a /usr/local/go "$ctx/go"
  printf 'FROM localhost/jre17:local\nCOPY go /usr/local/go\nENV PATH=/usr/local/go/bin:/usr/bin:/bin GOTOOLCHAIN=local\n' >"$ctx/Dockerfile"
  podman build -q -t localhost/golang:local "$ctx" >/dev/null
  rm -rf "$ctx"
fi
exit $rc
