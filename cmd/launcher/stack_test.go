package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/jenkins-launcher/launcher/internal/testutil"
)

// TestStartFitsFirstStack runs the common starts that replace the launcher
// with their command in a build whose goroutines may not grow their stacks
// past the main goroutine's first 4 KiB, with stackMargin bytes of it
// taken (main.firstStackOnly). Outgrowing it costs every such start a
// stack copy and about 8 page faults: `exec -- /bin/true` was 32-48 us
// slower. A frame that grows on the path (a large value, inlined logging)
// makes this test fail with "stack overflow" and the frames on the way.
// Supervising, agent mode and debug logging go deeper and are not held to
// it (see growStack).
func TestStartFitsFirstStack(t *testing.T) {
	bin := testutil.BuildStaticLinked(t, t.TempDir(), "-X main.firstStackOnly=1", ".")[0]
	home := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"exec", []string{"exec", "--", "/bin/echo", "ran"}},
		{"exec-path-lookup", []string{"exec", "--", "echo", "ran"}},
		{"single-command", []string{"true"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, tc.args...)
			cmd.Env = []string{"HOME=" + home, "PATH=/usr/bin:/bin"}
			out, err := cmd.CombinedOutput()
			if err != nil {
				if strings.Contains(string(out), "stack overflow") {
					t.Fatalf("the start outgrew the main goroutine's first stack:\n%s", out)
				}
				t.Fatalf("%v\n%s", err, out)
			}
			if tc.name != "single-command" && string(out) != "ran\n" {
				t.Errorf("output %q, want %q", out, "ran\n")
			}
		})
	}
}
