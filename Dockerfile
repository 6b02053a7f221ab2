# The launcher as images (see README.md):
#   --target launcher  FROM scratch, only /launcher: for `COPY --from` into any
#                      image and for init containers (`/launcher install DIR`).
#   agent (default)    a JRE image with the launcher as ENTRYPOINT, a drop-in
#                      for jenkins/inbound-agent.
#
# Base images are build arguments with public defaults; e2e/image.sh builds
# with local ones. agent.jar is optional: AGENT_JAR (a file in the build
# context) or AGENT_JAR_URL; without either the launcher downloads
# {JENKINS_URL}/jnlpJars/agent.jar from the controller at start, which also
# keeps it at the controller's own version. Agents in direct-connection mode
# (JENKINS_DIRECT_CONNECTION, no URL) have nothing to download from: bake
# the jar in for them, e.g. AGENT_JAR_URL=https://repo.jenkins-ci.org/public/
# org/jenkins-ci/main/remoting/VERSION/remoting-VERSION.jar.
ARG GO_IMAGE=golang:1.26-bookworm
ARG JRE_IMAGE=eclipse-temurin:17-jre

FROM ${GO_IMAGE} AS build
# Unset unless given: a local build passes GOPROXY=off, GOFLAGS=-mod=mod and
# a read-only module cache volume instead of reaching the proxy.
ARG GOPROXY
ARG GOFLAGS
ARG GOMODCACHE
ARG VERSION=dev
ENV CGO_ENABLED=0 GOCACHE=/root/.cache/go-build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -buildvcs=false -tags nethttpomithttp2 \
      -ldflags "-s -w -buildid= -X main.version=${VERSION}" \
      -o /out/launcher ./cmd/launcher \
 && /out/launcher version

# agent.jar, when one is asked for, ends up as /out/agent.jar; otherwise /out
# is empty. Dockerfiles cannot skip a COPY or ADD, so the optional sources
# fall back to go.mod, which every context has, and are told apart here. The
# "PK" check stops an HTML error page saved as agent.jar at build time.
FROM ${GO_IMAGE} AS jar
ARG AGENT_JAR=
ARG AGENT_JAR_URL=
ARG AGENT_JAR_SHA256=
COPY go.mod ${AGENT_JAR} /in/context/
ADD ${AGENT_JAR_URL:-go.mod} /in/url/agent.jar
RUN set -eu; mkdir -p /out; \
    if [ -n "$AGENT_JAR" ] && [ -n "$AGENT_JAR_URL" ]; then \
      echo "set AGENT_JAR or AGENT_JAR_URL, not both" >&2; exit 1; \
    elif [ -n "$AGENT_JAR" ]; then \
      cp "/in/context/$(basename "$AGENT_JAR")" /out/agent.jar; \
    elif [ -n "$AGENT_JAR_URL" ]; then \
      cp /in/url/agent.jar /out/agent.jar; \
    fi; \
    if [ -f /out/agent.jar ]; then \
      [ "$(head -c 2 /out/agent.jar)" = PK ] || { echo "agent.jar is not a jar (zip) file" >&2; exit 1; }; \
      if [ -n "$AGENT_JAR_SHA256" ]; then echo "$AGENT_JAR_SHA256  /out/agent.jar" | sha256sum -c -; fi; \
      chmod 0644 /out/agent.jar; \
    fi

FROM scratch AS launcher
COPY --from=build /out/launcher /launcher
ENTRYPOINT ["/launcher"]

FROM ${JRE_IMAGE} AS agent
ARG user=jenkins
ARG uid=1000
ARG gid=1000
# true (the OpenShift convention): /etc/passwd is group-0 writable, so the
# launcher can add an entry for an arbitrary UID that runs in group 0.
ARG PASSWD_WRITABLE=true
COPY --from=build /out/launcher /usr/local/bin/launcher
COPY --from=jar /out/ /usr/share/jenkins/
# Ubuntu-based JRE images (eclipse-temurin) already have "ubuntu" as uid
# 1000: free the ids first. Without the shadow tools (a very small base) the
# plain files are edited. Group 0 with g=u lets an arbitrary UID in group 0
# (OpenShift) write where the jenkins user can; a baked-in agent.jar stays
# root's and read-only. The jenkins-agent and jenkins-slave links keep
# images and pod specs that call the official script's names working.
RUN set -eu; \
    home=/home/${user}; \
    shell=/bin/sh; [ -x /bin/bash ] && shell=/bin/bash; \
    if command -v useradd >/dev/null && command -v userdel >/dev/null; then \
      for u in $(awk -F: -v id="$uid" -v me="$user" '$3 == id && $1 != me {print $1}' /etc/passwd); do \
        userdel -r "$u" 2>/dev/null || userdel "$u"; done; \
      for g in $(awk -F: -v id="$gid" -v me="$user" '$3 == id && $1 != me {print $1}' /etc/group); do \
        groupdel "$g"; done; \
      grep -q "^${user}:" /etc/group || groupadd -g "$gid" "$user"; \
      grep -q "^${user}:" /etc/passwd || useradd -l -m -c Jenkins -u "$uid" -g "$gid" -d "$home" -s "$shell" "$user"; \
    else \
      for f in /etc/passwd /etc/group; do \
        awk -F: -v id="$uid" -v gid="$gid" -v f="$f" -v me="$user" \
          '$1 == me {next} f == "/etc/passwd" && $3 == id {next} f == "/etc/group" && $3 == gid {next} {print}' \
          "$f" >"$f.new" && cat "$f.new" >"$f" && rm "$f.new"; \
      done; \
      echo "${user}:x:${uid}:${gid}:Jenkins:${home}:${shell}" >>/etc/passwd; \
      echo "${user}:x:${gid}:" >>/etc/group; \
    fi; \
    mkdir -p "$home/agent" "$home/.jenkins" /usr/share/jenkins; \
    chown -R "$uid:0" "$home"; chmod -R g=u "$home"; \
    chown "$uid:0" /usr/share/jenkins; chmod g=u /usr/share/jenkins; \
    if [ "$PASSWD_WRITABLE" = true ]; then chgrp 0 /etc/passwd && chmod g+w /etc/passwd; fi; \
    ln -sf launcher /usr/local/bin/jenkins-agent; \
    ln -sf launcher /usr/local/bin/jenkins-slave
ENV HOME=/home/${user} \
    JENKINS_AGENT_WORKDIR=/home/${user}/agent
USER ${uid}
# As jenkins/inbound-agent declares them: with a read-only root filesystem
# the agent's work and cache directories stay writable, and on Fargate a
# bind mount at one of these paths takes the directory's owner and mode.
VOLUME /home/${user}/.jenkins /home/${user}/agent
WORKDIR /home/${user}
ENTRYPOINT ["/usr/local/bin/launcher"]
