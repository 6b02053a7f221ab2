//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// containersConf is what e2e/setup-host.sh writes: runc and the ulimits
// this sandbox allows (see shared/docs/CONTAINERS.md).
const containersConf = "/etc/launcher-tests/containers.conf"

func podmanCmd(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "podman", args...)
	// conmon creates an empty file "oom" in its working directory when a
	// container is OOM-killed (containers/conmon#504, fixed in conmon
	// 2.1.13; Debian 12 has 2.1.6): keep it out of the source tree.
	if artefacts != nil {
		cmd.Dir = artefacts.tmp
	}
	cmd.Env = os.Environ()
	if os.Getenv("CONTAINERS_CONF") == "" {
		cmd.Env = append(cmd.Env, "CONTAINERS_CONF="+containersConf)
	}
	return cmd
}

// podman runs one podman command to completion (2 minutes at most) and
// returns its combined output.
func podman(t *testing.T, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := podmanCmd(ctx, args...).CombinedOutput()
	return string(out), err
}

// runOpts describes one container run.
type runOpts struct {
	image   string
	podman  []string          // options of `podman run` (-m, -u, --network, ...)
	env     map[string]string // -e NAME=VALUE
	args    []string          // the container's arguments (after the image)
	timeout time.Duration     // default 2 minutes
}

func (o runOpts) runArgs(name string) []string {
	a := []string{"run", "--name", name}
	a = append(a, o.podman...)
	for k, v := range o.env {
		a = append(a, "-e", k+"="+v)
	}
	a = append(a, o.image)
	return append(a, o.args...)
}

// result is what a finished container left.
type result struct {
	code   int
	stdout string
	stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.code, r.stdout, r.stderr)
}

func uniqueName(t *testing.T) string {
	b := make([]byte, 4)
	rand.Read(b)
	n := strings.NewReplacer("/", "-", " ", "-", ":", "-", ".", "-", "=", "-").Replace(t.Name())
	if len(n) > 40 {
		n = n[:40]
	}
	return strings.ToLower("e2e-" + n + "-" + hex.EncodeToString(b))
}

// runContainer runs a container to completion and returns its exit code and
// output; the container is removed afterwards.
func runContainer(t *testing.T, o runOpts) result {
	t.Helper()
	name := uniqueName(t)
	t.Cleanup(func() { removeContainer(name) })
	timeout := o.timeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	args := append([]string{"run", "--rm"}, o.runArgs(name)[1:]...)
	cmd := podmanCmd(ctx, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("podman %s: no exit within %v\n%s", strings.Join(args, " "), timeout, r)
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("podman %s: %v", strings.Join(args, " "), err)
	}
	return r
}

func removeContainer(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	podmanCmd(ctx, "rm", "-f", "-i", "-t", "0", name).Run()
}

// container is a detached container; it is removed when the test ends.
type container struct {
	t      *testing.T
	name   string
	exited chan struct{} // closed when `podman wait` returns
	code   int           // valid once exited is closed
}

// startContainer starts a detached container and watches for its exit.
func startContainer(t *testing.T, o runOpts) *container {
	t.Helper()
	c := &container{t: t, name: uniqueName(t), exited: make(chan struct{}), code: -1}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("container %s logs:\n%s", c.name, c.logs())
		}
		removeContainer(c.name)
	})
	args := o.runArgs(c.name)
	args = append([]string{args[0], "-d"}, args[1:]...)
	if out, err := podman(t, args...); err != nil {
		t.Fatalf("podman %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	go func() {
		defer close(c.exited)
		out, err := podmanCmd(context.Background(), "wait", c.name).Output()
		if err != nil {
			return
		}
		if n, err := strconv.Atoi(strings.TrimSpace(string(out))); err == nil {
			c.code = n
		}
	}()
	return c
}

// wait waits for the container to exit and returns its exit code.
func (c *container) wait(timeout time.Duration) int {
	c.t.Helper()
	select {
	case <-c.exited:
		return c.code
	case <-time.After(timeout):
		c.t.Fatalf("container %s still running after %v\n%s", c.name, timeout, c.logs())
		return -1
	}
}

func (c *container) running() bool {
	select {
	case <-c.exited:
		return false
	default:
		return true
	}
}

// logs returns the container's stdout and stderr (podman keeps them apart).
func (c *container) logs() string {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, _ := podmanCmd(ctx, "logs", c.name).CombinedOutput()
	return string(out)
}

// stderr returns only what the container wrote on stderr (the launcher's log).
func (c *container) stderr() string {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := podmanCmd(ctx, "logs", c.name)
	var e bytes.Buffer
	cmd.Stderr = &e
	cmd.Run()
	return e.String()
}

// exec runs a command inside the running container and returns its stdout.
func (c *container) exec(args ...string) string {
	c.t.Helper()
	out, err := podman(c.t, append([]string{"exec", c.name}, args...)...)
	if err != nil {
		c.t.Fatalf("podman exec %s %s: %v\n%s", c.name, strings.Join(args, " "), err, out)
	}
	return out
}

// hostPIDs lists the host pids of every process in the container.
func (c *container) hostPIDs() []int {
	c.t.Helper()
	out, err := podman(c.t, "top", c.name, "hpid")
	if err != nil {
		c.t.Fatalf("podman top %s: %v\n%s", c.name, err, out)
	}
	var pids []int
	for _, f := range strings.Fields(out) {
		if n, err := strconv.Atoi(f); err == nil {
			pids = append(pids, n)
		}
	}
	return pids
}
