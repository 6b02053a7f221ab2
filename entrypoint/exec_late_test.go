package entrypoint

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// execLateHelper names the part the test binary plays when run again by
// the tests below: a launcher about to replace itself.
const execLateHelper = "ENTRYPOINT_TEST_EXEC_LATE"

// A signal that comes after the last look at the caught signals before
// the exec must not be lost: it takes its default action, as it would in
// the command. The helper catches as a launcher that replaces itself
// does, through the pipe or, where there is none, through os/signal; it is
// sent the signal right after pendingTermination, as a `docker stop` just
// too late would be, and then execs sh: it must die of the signal, not
// run sh. Started with SIGHUP and SIGINT ignored (nohup, `cmd &`), the
// command must not inherit them ignored either: os/signal's Reset would
// ignore them again. And after an exec that failed, the signals are caught again, so
// that one during the clean-up does not cut it short.
func TestExecLateSignal(t *testing.T) {
	if mode := os.Getenv(execLateHelper); mode != "" {
		execLateMain(mode)
		return
	}
	run := func(mode string, wrap ...string) (string, syscall.WaitStatus) {
		t.Helper()
		argv := append(wrap, os.Args[0], "-test.run=^TestExecLateSignal$", "-test.count=1")
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = append(os.Environ(), execLateHelper+"="+mode)
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatalf("%s: %v", mode, err)
		}
		return string(out), cmd.ProcessState.Sys().(syscall.WaitStatus)
	}
	for _, mode := range []string{"pipe", "fallback"} {
		out, ws := run(mode + "-late")
		if !ws.Signaled() || ws.Signal() != syscall.SIGUSR1 || strings.Contains(out, "exec'd") {
			t.Errorf("%s: %v, printed %q; want it killed by the late SIGUSR1", mode, ws, out)
		}
		out, ws = run(mode+"-ignored", "bash", "-c", `trap '' HUP INT; exec "$@"`, "bash")
		if ws.ExitStatus() != 0 || !strings.Contains(out, "SigIgn:\t0000000000000000") {
			t.Errorf("%s with SIGHUP and SIGINT ignored: %v, printed %q; want the command's SigIgn empty", mode, ws, out)
		}
		out, ws = run(mode + "-failed")
		if ws.ExitStatus() != 0 || !strings.Contains(out, "caught after the failed exec") {
			t.Errorf("%s: %v, printed %q; want SIGTERM caught again after the failed exec", mode, ws, out)
		}
	}
}

func execLateMain(mode string) {
	how, what, _ := strings.Cut(mode, "-")
	var sigs *Signals
	if how == "pipe" {
		sigs = CatchSignals(false)
	} else {
		// As CatchSignals does when no pipe can be had.
		sigs = newSignals()
		first, _ := caughtSignals(false)
		sigs.catch(first)
	}
	sigs.Ready()
	if what == "failed" {
		// Through execCommand, which must catch again after the exec
		// failed, for the clean-up.
		code := execCommand(&Command{Path: filepath.Join(os.TempDir(), "no-such-command"), Args: []string{"x"}}, sigs, nil)
		_ = unix.Kill(os.Getpid(), syscall.SIGTERM)
		// Caught, it arrives where the supervisor would wait for it.
		var ev events = chanEvents{other: sigs.other}
		if sigs.pipe != nil {
			ev = &pipeEvents{fd: sigs.pipe.fd}
		}
		if got := ev.next(10 * time.Second); len(got) == 1 && got[0] == syscall.SIGTERM {
			fmt.Println("caught after the failed exec, which gave", code)
			os.Exit(0)
		}
		fmt.Println("SIGTERM not caught after the failed exec")
		os.Exit(5)
	}
	if se := sigs.takeOver(); se != nil {
		fmt.Println("signal before the exec:", se)
		os.Exit(3)
	}
	pending := sigs.pendingTermination
	path, args := "/bin/sh", []string{"sh", "-c", "echo exec\\'d"}
	switch what {
	case "late":
		pending = func() *SignalError {
			se := sigs.pendingTermination()
			_ = unix.Kill(os.Getpid(), syscall.SIGUSR1)
			return se
		}
	case "ignored":
		path, args = "/bin/grep", []string{"grep", "SigIgn", "/proc/self/status"}
	}
	err := execClean(path, args, os.Environ(), pending)
	fmt.Println("exec failed:", err)
	os.Exit(4)
}
