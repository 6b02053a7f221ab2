package entrypoint

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jenkins-launcher/launcher/internal/testutil"
	"golang.org/x/sys/unix"
)

func TestExitCode(t *testing.T) {
	for _, c := range []struct {
		name   string
		status unix.WaitStatus
		want   int
	}{
		{"exit-0", 0, 0},
		{"exit-3", 3 << 8, 3},
		{"exit-255", 255 << 8, 255},
		{"killed-term", unix.WaitStatus(syscall.SIGTERM), 143},
		{"killed-kill-core", unix.WaitStatus(syscall.SIGKILL) | 0x80, 137},
		{"stopped", 0x7f | unix.WaitStatus(syscall.SIGSTOP)<<8, ExitInternal},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := exitCode(c.status); got != c.want {
				t.Fatalf("exitCode(%#x) = %d, want %d", uint32(c.status), got, c.want)
			}
		})
	}
}

func TestGrace(t *testing.T) {
	for in, want := range map[time.Duration]time.Duration{0: DefaultStopGrace, NoStopGrace: 0, -time.Second: 0, time.Second: time.Second} {
		if got := grace(in); got != want {
			t.Errorf("grace(%v) = %v, want %v", in, got, want)
		}
	}
}

// counter is a fake oom_kill counter.
type counter struct {
	values []uint64
	err    error
}

func (c *counter) read() (uint64, error) {
	if c.err != nil {
		return 0, c.err
	}
	v := c.values[0]
	if len(c.values) > 1 {
		c.values = c.values[1:]
	}
	return v, nil
}

func TestOOMWatch(t *testing.T) {
	for _, c := range []struct {
		name   string
		values []uint64
		err    error
		want   bool
	}{
		{"rose", []uint64{2, 3}, nil, true},
		{"unchanged", []uint64{2, 2}, nil, false},
		{"unreadable", nil, errors.New("no memory.oom_control"), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&buf, nil))
			w := &OOMWatch{Read: (&counter{values: c.values, err: c.err}).read, Limit: func() string { return "64.0 MiB (fixture)" }, JVMFlags: []string{"-Xmx48m", "-XX:+UseSerialGC"}, Advice: "raise it"}
			before, ok := w.start(logger)
			got := ok && w.diagnose(before, logger)
			if got != c.want {
				t.Fatalf("diagnosed %v, want %v; log:\n%s", got, c.want, buf.String())
			}
			lines := strings.Count(buf.String(), "OOM killer")
			if (lines == 1) != c.want || lines > 1 {
				t.Fatalf("%d OOM lines; log:\n%s", lines, buf.String())
			}
			if c.want && !strings.Contains(buf.String(), "-Xmx48m -XX:+UseSerialGC") {
				t.Fatalf("log lacks the flags:\n%s", buf.String())
			}
		})
	}
	var nilWatch *OOMWatch
	if _, ok := nilWatch.start(slog.New(slog.DiscardHandler)); ok {
		t.Fatal("a nil OOMWatch is on")
	}
}

// TestReadOnlyFileMappings: only private, file-backed, non-writable
// mappings are candidates for dropping.
func TestReadOnlyFileMappings(t *testing.T) {
	for _, c := range []struct {
		fixture string
		want    []mapping
		wantErr bool
	}{
		{"static-go", []mapping{{0x400000, 0x4f4000}, {0x4f4000, 0x61c000}}, false},
		{"shared-and-deleted", []mapping{{0x400000, 0x4f4000}}, false},
		// The RELRO mapping (584 kB anonymous: relocated) stays.
		{"pie-smaps", []mapping{{0x55eebbc2d000, 0x55eebbf4d000}, {0x55eebbf4d000, 0x55eebc279000}}, false},
		{"bad-range", nil, true},
		{"empty", nil, false},
	} {
		t.Run(c.fixture, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", "supervise", "maps", c.fixture))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := readOnlyFileMappings(f)
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, want error %v", err, c.wantErr)
			}
			if c.wantErr && !strings.Contains(err.Error(), "zz") {
				t.Fatalf("error %v does not quote the bad line", err)
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("got %x, want %x", got, c.want)
			}
		})
	}
}

// Where there is no signal pipe (os/signal catches), the supervisor waits
// on the channels instead: a signal caught once the command runs still
// reaches it. The command is a real child of the test process; it says on
// fd 3 when it runs, and the signal is caught (fed to the channel) then.
func TestSuperviseForwardsFromChannel(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	sigs := newSignals()
	sigs.startReading()
	cmd := Command{Path: "/bin/sh", Args: []string{"sh", "-c", "echo ready >&3; exec sleep 30"}, Env: os.Environ(), ExtraFiles: []*os.File{w}}
	done := make(chan int, 1)
	go func() { done <- Supervise(cmd, sigs, Options{StopGrace: NoStopGrace}) }()
	line := make([]byte, 6)
	if _, err := io.ReadFull(r, line); err != nil || string(line) != "ready\n" {
		t.Fatalf("command: %q, %v", line, err)
	}
	sigs.other <- syscall.SIGTERM
	select {
	case code := <-done:
		if code != 128+int(syscall.SIGTERM) {
			t.Fatalf("Supervise = %d, want %d (sleep killed by the forwarded SIGTERM)", code, 128+int(syscall.SIGTERM))
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the SIGTERM in the channel did not reach the command")
	}
}

// A pipe that is gone (a descriptor not open) makes poll(2) return at
// once: the supervisor's wait must still return, and not spin, so that it
// keeps reaping.
func TestPipeEventsClosedPipe(t *testing.T) {
	// Far above anything this process opens, so never reused meanwhile.
	ev := &pipeEvents{fd: 999_999}
	done := make(chan time.Duration, 1)
	go func() {
		start := time.Now()
		for i := 0; i < 3; i++ {
			ev.next(-1)
		}
		done <- time.Since(start)
	}()
	select {
	case d := <-done:
		if d < 20*time.Millisecond {
			t.Fatalf("3 waits on a closed pipe took %v: spinning", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a wait on a closed pipe did not return")
	}
}

// holdThreads starts no thread when the process limit has too little room
// left (starting one would then be what kills the supervisor), and leaves
// spare idle threads otherwise. The counting runs in a test process of its
// own, where no other test's goroutines can make the runtime start threads.
func TestHoldThreadsRoom(t *testing.T) {
	if !inOwnProcess(t) {
		return
	}
	procs := runtime.GOMAXPROCS(0)
	if procs == 1 {
		runtime.GOMAXPROCS(2) // so that the change to one P shows
	}
	before := threadCount(t)
	if held, free, limit := holdThreads(2, func() (int64, string) { return threadsNeeded - 1, "pids.max" }); held || free != threadsNeeded-1 || limit != "pids.max" {
		t.Fatalf("holdThreads with %d free = %t, %d, %q; want false, the room and the limit", threadsNeeded-1, held, free, limit)
	}
	if got := threadCount(t); got != before {
		t.Errorf("with too little room: %d threads, %d before; want none started", got, before)
	}
	if got := runtime.GOMAXPROCS(procs); got != 1 {
		t.Errorf("with too little room: GOMAXPROCS %d; want 1", got)
	}
	if held, _, _ := holdThreads(before+2, func() (int64, string) { return int64(threadsNeeded + before + 2), "pids.max" }); !held {
		t.Fatal("holdThreads with room enough did not hold threads")
	}
	// Every locked goroutine had a thread of its own, besides this one.
	if got := threadCount(t); got < before+2 {
		t.Errorf("%d threads after holding %d, %d before; want at least %d", got, before+2, before, before+2)
	}
	if held, _, _ := holdThreads(1, nil); !held {
		t.Error("holdThreads without a room function did not hold threads")
	}
}

// threadCount is the Threads: line of /proc/self/status.
func threadCount(t *testing.T) int {
	t.Helper()
	return testutil.StatusField(t, os.Getpid(), "Threads")
}

// TestStopTimedCollections, in a process of its own (it changes the
// runtime's settings): pacing is off, and the memory limit is what the
// runtime holds plus idleGarbage.
func TestStopTimedCollections(t *testing.T) {
	if !inOwnProcess(t) {
		return
	}
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 {
		t.Fatalf("memory limit %d before; want none (GOMEMLIMIT set?)", limit)
	}
	stopTimedCollections()
	if pct := debug.SetGCPercent(-1); pct != -1 {
		t.Errorf("GC percent %d; want -1 (off)", pct)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	inUse := int64(ms.Sys - ms.HeapReleased)
	if limit := debug.SetMemoryLimit(-1); limit < inUse || limit > inUse+2*idleGarbage {
		t.Errorf("memory limit %d with %d held; want about %d more", limit, inUse, idleGarbage)
	}
}

// inOwnProcess runs the calling test again in a test process of its own
// and reports false, failing the test if that run fails; in that process
// it reports true, and the test goes on. For tests that change the
// runtime's settings or count its threads.
func inOwnProcess(t *testing.T) bool {
	t.Helper()
	const env = "ENTRYPOINT_TEST_OWN_PROCESS"
	if os.Getenv(env) == t.Name() {
		return true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.v")
	cmd.Env = append(os.Environ(), env+"="+t.Name())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return false
}
