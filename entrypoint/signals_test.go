package entrypoint

import (
	"context"
	"errors"
	"slices"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestSignalClasses(t *testing.T) {
	for _, c := range []struct {
		sig        syscall.Signal
		terminates bool
		forwarded  bool
	}{
		{syscall.SIGTERM, true, true},
		{syscall.SIGINT, true, true},
		{syscall.SIGHUP, true, true},
		{syscall.SIGQUIT, true, true},
		{syscall.SIGUSR1, true, true},
		{syscall.SIGUSR2, true, true},
		{syscall.SIGALRM, true, true},
		{syscall.SIGABRT, true, true},
		{syscall.Signal(34), true, true}, // SIGRTMIN
		{syscall.Signal(64), true, true}, // SIGRTMAX
		{syscall.SIGPIPE, false, false},
		{syscall.SIGWINCH, false, true},
		{syscall.SIGCONT, false, true},
		{syscall.SIGTSTP, false, true},
		{syscall.SIGTTIN, false, true},
		{syscall.SIGTTOU, false, true},
		{syscall.SIGCHLD, false, false},
		{syscall.SIGURG, false, false},
		{syscall.SIGKILL, true, false},
	} {
		t.Run(unix.SignalName(c.sig), func(t *testing.T) {
			if got := terminates(c.sig); got != c.terminates {
				t.Errorf("terminates = %v, want %v", got, c.terminates)
			}
			if got := forwarded(c.sig); got != c.forwarded {
				t.Errorf("forwarded = %v, want %v", got, c.forwarded)
			}
		})
	}
}

func TestCaughtSignalsSupervisor(t *testing.T) {
	first, rest := caughtSignals(true)
	if len(rest) != 0 {
		t.Errorf("rest %v: a supervisor catches everything at once", rest)
	}
	caught := map[syscall.Signal]bool{}
	for _, s := range first {
		if caught[s] {
			t.Errorf("%v is caught twice", s)
		}
		caught[s] = true
	}
	// SIGCHLD too: Supervise catches it just before the start
	// (catchChildren). The others are the Go runtime's.
	for _, s := range []syscall.Signal{syscall.SIGKILL, syscall.SIGSTOP, syscall.SIGURG, syscall.SIGCHLD, syscall.SIGPROF, sigSetCredentials} {
		if caught[s] {
			t.Errorf("%v is caught", s)
		}
	}
	if !caught[syscall.SIGPIPE] {
		t.Error("SIGPIPE is not caught: a broken log pipe would kill the supervisor")
	}
	// Everything else is forwarded, so it is caught: 32 and 34 too, and
	// SIGSEGV as sent by another process.
	for n := syscall.Signal(1); n <= sigRTMax; n++ {
		if forwarded(n) != (caught[n] && n != syscall.SIGPIPE) {
			t.Errorf("%v: forwarded %v, caught %v", n, forwarded(n), caught[n])
		}
	}
	for _, s := range []syscall.Signal{32, 34, syscall.SIGSEGV, syscall.SIGWINCH, 64} {
		if !caught[s] {
			t.Errorf("%v is not caught", s)
		}
	}
}

func TestCaughtSignalsReplacing(t *testing.T) {
	first, rest := caughtSignals(false)
	// What must end it through its clean-up (Go would exit 2 on SIGQUIT
	// and SIGABRT instead of 128+n, and ignore SIGUSR1 and SIGUSR2), and
	// SIGPIPE from a broken log pipe.
	for _, s := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGABRT, syscall.SIGPIPE, syscall.SIGUSR1, syscall.SIGUSR2} {
		if !slices.Contains(first, s) {
			t.Errorf("%v is not caught first", s)
		}
	}
	// Stop signals keep their default until it must supervise: ^Z stops
	// it as it would stop the command.
	for _, s := range []syscall.Signal{syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU, syscall.SIGCONT, syscall.SIGWINCH, syscall.SIGCHLD} {
		if slices.Contains(first, s) {
			t.Errorf("%v is caught first", s)
		}
	}
	// Supervising after all, it catches what a supervisor does then.
	all, _ := caughtSignals(true)
	both := append(slices.Clone(first), rest...)
	slices.Sort(both)
	if !slices.Equal(both, all) {
		t.Errorf("first+rest %v, want a supervisor's %v", both, all)
	}
}

// awaitCause waits for ctx to end and returns its *SignalError.
func awaitCause(t *testing.T, ctx context.Context) *SignalError {
	t.Helper()
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("context not cancelled by a terminating signal")
	}
	var se *SignalError
	if !errors.As(context.Cause(ctx), &se) {
		t.Fatalf("cause %v is not a *SignalError", context.Cause(ctx))
	}
	return se
}

// Non-terminating signals pass; the first terminating one cancels, and
// contexts made later are cancelled at once.
func TestSignalsContext(t *testing.T) {
	s := newSignals()
	s.startReading()
	ctx := s.Context(context.Background())
	s.other <- syscall.SIGWINCH
	s.other <- syscall.SIGPIPE
	s.other <- syscall.SIGUSR2
	s.other <- syscall.SIGTERM
	se := awaitCause(t, ctx)
	if se.Signal != syscall.SIGUSR2 || se.ExitCode() != 140 {
		t.Fatalf("cause %v (exit %d), want SIGUSR2 (140)", se, se.ExitCode())
	}
	if late := awaitCause(t, s.Context(context.Background())); late.Signal != syscall.SIGUSR2 {
		t.Fatalf("later context: cause %v, want SIGUSR2", late)
	}
	if got := s.takeOver(); got == nil || got.Signal != syscall.SIGUSR2 {
		t.Fatalf("takeOver = %v, want SIGUSR2", got)
	}
}

// A parent's own end is not a signal; a child context ending does not
// disturb the Signals.
func TestSignalsContextParent(t *testing.T) {
	s := newSignals()
	s.startReading()
	parent, cancel := context.WithCancel(context.Background())
	ctx := s.Context(parent)
	cancel()
	<-ctx.Done()
	if errors.As(context.Cause(ctx), new(*SignalError)) {
		t.Fatalf("cause %v after the parent's cancel", context.Cause(ctx))
	}
	if got := s.takeOver(); got != nil {
		t.Fatalf("takeOver = %v with no signal", got)
	}
	// After takeOver the channels are the caller's: nothing consumes them.
	s.other <- syscall.SIGTERM
	if got := <-s.other; got != syscall.SIGTERM {
		t.Fatalf("read %v back, want SIGTERM", got)
	}
}

func TestSignalError(t *testing.T) {
	e := &SignalError{Signal: syscall.SIGTERM}
	if e.ExitCode() != 143 {
		t.Errorf("ExitCode = %d, want 143", e.ExitCode())
	}
	if msg := e.Error(); msg != "stopped by signal 15 (terminated)" {
		t.Errorf("Error = %q", msg)
	}
}

// A supervisor that never became Ready reads nothing during set-up: when
// it takes over, the first terminating signal caught meanwhile ends
// set-up, and the others had nothing to reach yet.
func TestSignalsTakeOverUnread(t *testing.T) {
	s := newSignals()
	s.start()
	s.other <- syscall.SIGWINCH
	s.other <- syscall.SIGUSR1
	s.other <- syscall.SIGTERM
	if got := s.takeOver(); got == nil || got.Signal != syscall.SIGUSR1 {
		t.Fatalf("takeOver = %v, want SIGUSR1", got)
	}
	if len(s.other) != 0 {
		t.Fatalf("%d signals left unread", len(s.other))
	}
	s = newSignals()
	s.start()
	s.other <- syscall.SIGWINCH
	if got := s.takeOver(); got != nil {
		t.Fatalf("takeOver = %v after SIGWINCH alone, want nil", got)
	}
}
