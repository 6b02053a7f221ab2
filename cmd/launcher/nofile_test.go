package main

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jenkins-launcher/launcher/internal/testutil"
)

// TestRealOpenFileLimit: with `ulimit -n` from 3 to 16 the launcher
// either works or fails with a documented code and a message, and never
// dies in the Go runtime. Agent mode died there ("fatal error: runtime:
// netpollinit failed", exit 2) with 6 to 8: the runtime's poller, set up
// at the first socket or pollable file, needs two descriptors of its own
// (see entrypoint.StartPoller).
func TestRealOpenFileLimit(t *testing.T) {
	bin := buildLauncher(t)
	jar := testutil.Jar(t, testutil.AgentManifest)
	srv := controller(t, func(w http.ResponseWriter, r *http.Request) { w.Write(jar) })
	agent, _, _ := agentEnv(t, srv.URL+"/")
	agent = append(agent, "LAUNCHER_CONNECT_TIMEOUT=2s")
	modes := []struct {
		name string
		pid1 bool // as PID 1 of a new PID namespace (root)
		env  []string
		args []string
		ok   []int // the exit codes allowed besides 0: the README's
	}{
		{"exec", false, agent, []string{"exec", "--", "/bin/true"}, []int{70}},
		{"subreaper", false, append(agent, "LAUNCHER_SUBREAPER=true"), []string{"exec", "--", "/bin/true"}, []int{70}},
		// 66: the download failed; 69: the wait did (socket: too many
		// open files, named in the message).
		{"agent", false, agent, nil, []int{66, 69, 70}},
		{"agent-pid1", true, agent, nil, []int{66, 69, 70}},
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			var wrap []string
			if m.pid1 {
				if os.Geteuid() != 0 {
					testutil.Unavailable(t, "PID 1 of a new PID namespace needs root")
				}
				// The shell is PID 1 and becomes the launcher.
				wrap = unsharePID1()
			}
			worked := 0
			for n := 3; n <= 16; n++ {
				argv := slices.Concat(wrap, []string{"/bin/sh", "-c", `ulimit -n "$0" && exec "$@"`, strconv.Itoa(n), bin}, m.args)
				cmd := exec.Command(argv[0], argv[1:]...)
				cmd.Env = m.env
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				_ = cmd.Run()
				code := cmd.ProcessState.ExitCode()
				log := stderr.String()
				if strings.Contains(log, "fatal error") || strings.Contains(log, "goroutine ") {
					t.Errorf("ulimit -n %d: the Go runtime died (exit %d):\n%s", n, code, log)
					continue
				}
				switch {
				case code == 0:
					worked++
				case strings.Contains(log, "msg=starting"):
					// The launcher's part is done: the code is the
					// command's (a shell-script java that had too
					// few descriptors itself).
					worked++
				case !slices.Contains(m.ok, code):
					t.Errorf("ulimit -n %d: exit %d, want 0 or one of %v:\n%s", n, code, m.ok, log)
				case !strings.Contains(log, "level=ERROR") || !strings.Contains(log, "too m"):
					t.Errorf("ulimit -n %d: exit %d without an error that names the cause (too many open files):\n%s", n, code, log)
				}
			}
			if worked == 0 {
				t.Errorf("no limit up to 16 worked: the test sees no run succeed")
			}
		})
	}
}
