package entrypoint

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// execLateHelper set to 1 makes TestExecLateSignal play the launcher.
const execLateHelper = "ENTRYPOINT_TEST_EXEC_LATE"

// A signal that comes after the last look at the pipe before the exec
// must not be lost with the pipe: it takes its default action, as it
// would in the command. The helper (this test binary, run again) catches
// signals as a launcher that replaces itself does, is sent SIGTERM right
// after pendingTermination, as a `docker stop` just too late would be,
// and then execs sh: it must die of SIGTERM, not run sh.
func TestExecLateSignal(t *testing.T) {
	if os.Getenv(execLateHelper) == "1" {
		execLateMain()
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestExecLateSignal$", "-test.count=1")
	cmd.Env = append(os.Environ(), execLateHelper+"=1")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("helper: %v, printed %q; want it killed by SIGTERM", err, out)
	}
	ws := ee.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Fatalf("helper: %v, printed %q; want it killed by SIGTERM", err, out)
	}
	if strings.Contains(string(out), "exec'd") {
		t.Fatalf("the command ran after all: %q", out)
	}
}

func execLateMain() {
	sigs := CatchSignals(false)
	sigs.Ready()
	if se := sigs.takeOver(); se != nil {
		fmt.Println("signal before the exec:", se)
		os.Exit(3)
	}
	pending := func() *SignalError {
		se := sigs.pendingTermination()
		_ = unix.Kill(os.Getpid(), syscall.SIGTERM)
		return se
	}
	err := execClean("/bin/sh", []string{"sh", "-c", "echo exec\\'d"}, os.Environ(), pending)
	fmt.Println("exec failed:", err)
	os.Exit(4)
}
