package main

import (
	"os/exec"
	"runtime"
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
	t.Run(runtime.GOARCH, func(t *testing.T) { startFitsFirstStack(t, nil) })
	if runtime.GOARCH != "amd64" {
		return
	}
	// Frames differ by architecture: on arm64 the same path took 128
	// bytes more, and outgrew the stack where amd64 had 350 to spare. The
	// shipped arm64 binary runs here under qemu-user, which leaves stack
	// sizes as they are.
	t.Run("arm64", func(t *testing.T) {
		qemu, err := exec.LookPath("qemu-aarch64-static")
		if err != nil {
			testutil.Unavailable(t, "qemu-aarch64-static not installed (apt-get install qemu-user-static)")
		}
		t.Setenv("GOARCH", "arm64")
		startFitsFirstStack(t, []string{qemu})
	})
}

// startFitsFirstStack builds the launcher for $GOARCH and runs the starts,
// through run (an emulator) when it is not the host's.
func startFitsFirstStack(t *testing.T, run []string) {
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
			argv := append(append(append([]string{}, run...), bin), tc.args...)
			cmd := exec.Command(argv[0], argv[1:]...)
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
