package main

import (
	"bytes"
	"net/http"
	"os/exec"
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
		env  []string
		args []string
		ok   []int // the exit codes allowed besides 0: the README's
	}{
		{"exec", agent, []string{"exec", "--", "/bin/true"}, []int{70}},
		{"subreaper", append(agent, "LAUNCHER_SUBREAPER=true"), []string{"exec", "--", "/bin/true"}, []int{70}},
		// 66: the download failed; 69: the wait did (socket: too many
		// open files, named in the message).
		{"agent", agent, nil, []int{66, 69, 70}},
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			worked := 0
			for n := 3; n <= 16; n++ {
				cmd := exec.Command("/bin/sh", append([]string{"-c", `ulimit -n "$0" && exec "$@"`, strconv.Itoa(n), bin}, m.args...)...)
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
				case !contains(m.ok, code):
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

func contains(codes []int, c int) bool {
	for _, x := range codes {
		if x == c {
			return true
		}
	}
	return false
}
