package entrypoint

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestHoldProcessor, in a process of its own (it catches signals and
// changes GOMAXPROCS): a holding supervisor keeps its P while it waits, so
// nothing else runs meanwhile (the runtime had no idle P to start a thread
// for); sysmon's requests to yield do not cut the wait short; a signal
// does, and none is lost in the change from the pipe's reader.
func TestHoldProcessor(t *testing.T) {
	if !inOwnProcess(t) {
		return
	}
	runtime.GOMAXPROCS(1)
	sigs := CatchSignals(true)
	sigs.Ready() // the reader, as in agent mode
	if sigs.takeOver() != nil {
		t.Fatal("a terminating signal during set-up")
	}
	ev := sigs.handOver()
	if _, ok := ev.(chanEvents); !ok {
		t.Fatalf("events %T with the reader running; want chanEvents", ev)
	}
	// Sent before the change: in the reader's channel, or still in the
	// pipe; either way the holding events return it.
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	held := holdProcessor(ev)
	pe, ok := held.(*pipeEvents)
	if !ok || !pe.hold {
		t.Fatalf("holdProcessor gave %T %+v; want holding pipeEvents", held, held)
	}
	awaitSignal(t, held, syscall.SIGUSR1)

	// A goroutine that notes the time every millisecond, if it can run.
	var mu sync.Mutex
	var ticks []time.Time
	go func() {
		for {
			time.Sleep(time.Millisecond)
			mu.Lock()
			ticks = append(ticks, time.Now())
			mu.Unlock()
		}
	}()
	ticksBetween := func(from, to time.Time) (n int) {
		mu.Lock()
		defer mu.Unlock()
		for _, tick := range ticks {
			if tick.After(from) && tick.Before(to) {
				n++
			}
		}
		return n
	}
	for ticksBetween(time.Time{}, time.Now().Add(time.Hour)) < 3 {
		time.Sleep(time.Millisecond)
	}

	const wait = 300 * time.Millisecond
	// What is due runs now: the yield also resets the 10 ms after which
	// sysmon asks this goroutine to yield.
	runtime.Gosched()
	start := time.Now()
	got := held.next(wait)
	elapsed := time.Since(start)
	if len(got) != 0 {
		t.Errorf("a wait with nothing sent returned %v", got)
	}
	if elapsed < wait-10*time.Millisecond {
		t.Errorf("a holding wait of %v returned after %v: something (sysmon's SIGURG?) cut it short", wait, elapsed)
	}
	// The ticks queued meanwhile run once the wait is over.
	if n := ticksBetween(start, start.Add(wait-time.Millisecond)); n != 0 {
		t.Errorf("another goroutine ran %d times while the supervisor held the P", n)
	}

	// The control: a wait that lets the P go lets the goroutine run.
	start = time.Now()
	(&pipeEvents{fd: pe.fd}).next(wait)
	if during := ticksBetween(start, start.Add(wait-time.Millisecond)); during < 10 {
		t.Errorf("the goroutine ran %d times during a wait in poll(2); want many (is the test measuring anything?)", during)
	}

	// A signal ends a holding wait; another process sends it, nothing in
	// this one can run meanwhile.
	kill := exec.Command("/bin/sh", "-c", "sleep 0.2; kill -USR2 "+strconv.Itoa(os.Getpid()))
	if err := kill.Start(); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	got = held.next(10 * time.Second)
	if len(got) != 1 || got[0] != syscall.SIGUSR2 {
		t.Errorf("a holding wait returned %v after %v; want [SIGUSR2]", got, time.Since(start))
	}
	if err := kill.Wait(); err != nil {
		t.Fatal(err)
	}
}

// awaitSignal waits until ev returns sig, for at most 10 s.
func awaitSignal(t *testing.T, ev events, sig syscall.Signal) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, s := range ev.next(time.Second) {
			if s == sig {
				return
			}
		}
	}
	t.Fatalf("%v never came", sig)
}

// holdProcessor holds with the pipe the supervisor reads itself, and
// leaves os/signal's channel alone (its goroutine needs the P).
func TestHoldProcessorKinds(t *testing.T) {
	pe := &pipeEvents{fd: 999_999}
	got, ok := holdProcessor(pe).(*pipeEvents)
	if !ok || got != pe || !pe.hold {
		t.Fatalf("holdProcessor(pipeEvents) = %T %+v; want the same, holding", got, got)
	}
	if pe.holdMask.Val[0]&(1<<(uint(syscall.SIGURG)-1)) == 0 {
		t.Errorf("the holding mask %#x lets SIGURG cut the wait short", pe.holdMask.Val[0])
	}
	ch := make(chan os.Signal)
	if ev, ok := holdProcessor(chanEvents{other: ch}).(chanEvents); !ok || ev.other != ch {
		t.Errorf("holdProcessor(os/signal's chanEvents) = %T; want it unchanged", ev)
	}
}
