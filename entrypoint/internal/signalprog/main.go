// Command signalprog is the subject of the signal-pipe tests: it catches
// signals as a supervisor does (entrypoint.CatchSignals(true)), then:
//
//	signalprog wait     prints "ready", then "caught N" for the first
//	                    terminating signal N, and exits 0
//	signalprog fault    dereferences nil and prints what it recovered:
//	                    a fault must still reach the Go runtime
//	signalprog sigpipe  writes to a stdout whose reader has gone, then
//	                    prints "survived" on stderr
//	signalprog forked   forks a child that sends itself SIGUSR1 before it
//	                    would exec, prints how the child ended, then sends
//	                    itself SIGUSR2 and prints "caught N" for the first
//	                    terminating signal its pipe delivered
//	signalprog exec-fail  breaks its stderr, then runs a command that does
//	                    not exist as the launcher does when it replaces
//	                    itself, and prints the exit code it got
//	signalprog exec-pending  sends itself SIGTERM, then runs /bin/true as
//	                    the launcher does when it replaces itself, and
//	                    prints the exit code it got instead
//	signalprog twice    calls CatchSignals a second time, which panics
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"syscall"

	"github.com/jenkins-launcher/launcher/entrypoint"
	"golang.org/x/sys/unix"
)

func main() {
	if len(os.Args) != 2 {
		fail("usage: signalprog wait|fault|sigpipe|forked|exec-fail|exec-pending|twice")
	}
	switch os.Args[1] {
	case "exec-fail":
		execFail()
		return
	case "exec-pending":
		execPending()
		return
	}
	sigs := entrypoint.CatchSignals(true)
	switch os.Args[1] {
	case "wait":
		sigs.Ready()
		ctx := sigs.Context(context.Background())
		fmt.Println("ready")
		awaitSignal(ctx)
	case "forked":
		sigs.Ready()
		ctx := sigs.Context(context.Background())
		pid := forkSignalling(syscall.SIGUSR1)
		if pid < 0 {
			fail("fork failed")
		}
		var ws unix.WaitStatus
		if _, err := unix.Wait4(pid, &ws, 0, nil); err != nil {
			fail(err.Error())
		}
		if ws.Signaled() {
			fmt.Printf("child killed by %d\n", int(ws.Signal()))
		} else {
			fmt.Printf("child exited %d\n", ws.ExitStatus())
		}
		if err := unix.Kill(os.Getpid(), syscall.SIGUSR2); err != nil {
			fail(err.Error())
		}
		awaitSignal(ctx)
	case "twice":
		entrypoint.CatchSignals(true)
		fmt.Println("no panic")
	case "fault":
		fmt.Println("recovered:", dereference(nil))
	case "sigpipe":
		breakFD(1)
		_, err := os.Stdout.WriteString("into a broken pipe\n")
		fmt.Fprintln(os.Stderr, "survived:", err)
	default:
		fail("unknown mode " + os.Args[1])
	}
}

// awaitSignal prints "caught N" for the terminating signal that ends ctx.
func awaitSignal(ctx context.Context) {
	<-ctx.Done()
	var se *entrypoint.SignalError
	if !errors.As(context.Cause(ctx), &se) {
		fail(fmt.Sprint("cause: ", context.Cause(ctx)))
	}
	fmt.Printf("caught %d\n", int(se.Signal))
}

// forkSignalling forks a child that sends itself sig and exits 0, with
// nothing but raw system calls in between: like the child of a fork for
// exec, it still has the parent's handlers.
//
//go:nosplit
func forkSignalling(sig syscall.Signal) int {
	pid, _, errno := syscall.RawSyscall6(syscall.SYS_CLONE, uintptr(syscall.SIGCHLD), 0, 0, 0, 0, 0)
	if errno != 0 {
		return -1
	}
	if pid == 0 {
		me, _, _ := syscall.RawSyscall(syscall.SYS_GETPID, 0, 0, 0)
		syscall.RawSyscall(syscall.SYS_KILL, me, uintptr(sig), 0)
		syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 0, 0, 0)
	}
	return int(pid)
}

// execFail catches as a launcher that replaces itself does, breaks its
// stderr, where the failure is logged, and tries to exec a command that
// does not exist.
func execFail() {
	sigs := entrypoint.CatchSignals(false)
	sigs.Ready()
	breakFD(2)
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	cmd := entrypoint.Command{Path: "/nonexistent/command", Args: []string{"command"}, Env: os.Environ()}
	fmt.Println("exit code", entrypoint.Run(&cmd, sigs, &entrypoint.Options{Logger: logger}))
}

// execPending catches as a launcher that replaces itself does, and has a
// SIGTERM caught before it would exec /bin/true.
func execPending() {
	sigs := entrypoint.CatchSignals(false)
	sigs.Ready()
	if err := unix.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		fail(err.Error())
	}
	cmd := entrypoint.Command{Path: "/bin/true", Args: []string{"true"}, Env: os.Environ()}
	fmt.Println("exit code", entrypoint.Run(&cmd, sigs, &entrypoint.Options{}))
}

// breakFD replaces fd with a pipe whose reader has gone: a write to it
// fails with EPIPE and raises SIGPIPE.
func breakFD(fd int) {
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		fail(err.Error())
	}
	syscall.Close(p[0])
	if err := unix.Dup3(p[1], fd, 0); err != nil {
		fail(err.Error())
	}
}

// dereference reads through p; a nil p faults, and the runtime turns the
// SIGSEGV into a panic, recovered here.
func dereference(p *int) (err any) {
	defer func() { err = recover() }()
	return *p
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "signalprog:", msg)
	os.Exit(2)
}
