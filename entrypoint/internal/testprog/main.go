// Command testprog plays the command under supervision in the entrypoint
// package's real-kernel tests: it exits, dies of signals, reports the
// signals it gets, leaves orphans, ignores SIGTERM or prints its signal
// state, one behaviour per mode. Lines for the test go to stdout.
package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jenkins-launcher/launcher/internal/threads"
	"golang.org/x/sys/unix"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: testprog MODE [ARGS...]")
	}
	args := os.Args[2:]
	switch os.Args[1] {
	case "exit": // exit N
		os.Exit(atoi(arg(args, 0)))
	case "kill": // kill N: die of signal N
		dieOf(atoi(arg(args, 0)))
	case "wait-signal": // wait-signal [PREFIX]: print "ready", then "got N" and die of N
		waitSignal(strings.Join(args, " "))
	case "orphans": // orphans K live|short
		orphans(atoi(arg(args, 0)), arg(args, 1))
	case "fork-orphans": // fork-orphans K live|short (the orphans' short-lived parent)
		forkOrphans(atoi(arg(args, 0)), arg(args, 1))
	case "ignore-term": // ignore-term: print "ready PID" and ignore SIGTERM forever
		signal.Ignore(syscall.SIGTERM)
		fmt.Printf("ready %d\n", os.Getpid())
		blockForever()
	case "leave-stubborn": // leave-stubborn N: start an ignore-term in our group, print its pid, exit N
		leaveStubborn(atoi(arg(args, 0)))
	case "group-parent": // group-parent: report TERM without dying; exit on a 2nd signal or when the child ends
		groupParent()
	case "status": // status: print the signal state of self and parent
		printStatus("self", "/proc/self/status")
		printStatus("parent", fmt.Sprintf("/proc/%d/status", os.Getppid()))
	case "with-blocked": // with-blocked PROG ARGS...: exec PROG with signals ignored and blocked
		execWithBlocked(args)
	case "tty-foreground": // tty-foreground: print "fg" if our group is stdin's foreground group, else "bg"
		fg, err := unix.IoctlGetInt(0, unix.TIOCGPGRP)
		if err != nil {
			fail("TIOCGPGRP: " + err.Error())
		}
		if fg == syscall.Getpgrp() {
			fmt.Println("fg")
		} else {
			fmt.Printf("bg %d %d\n", fg, syscall.Getpgrp())
		}
	case "hog": // hog MIB AFTER: after AFTER, touch MIB MiB of memory, then print "survived"
		after, err := time.ParseDuration(arg(args, 1))
		if err != nil {
			fail(err.Error())
		}
		// Like a JVM that fills its heap after a while, not at once.
		time.Sleep(after)
		hog(atoi(arg(args, 0)))
	case "read-fd": // read-fd N: print our pid, then what /proc/self/fd/N holds
		data, err := os.ReadFile("/proc/self/fd/" + arg(args, 0))
		if err != nil {
			fail(err.Error())
		}
		fmt.Printf("%d %s\n", os.Getpid(), data)
	case "fill-pids": // fill-pids [FIFO]: once FIFO is opened for writing, start /bin/sleep children until fork fails (at most 1000), print "full N", exit 42 at SIGTERM
		if len(args) > 0 {
			f, err := os.Open(args[0])
			if err != nil {
				fail(err.Error())
			}
			f.Close()
		}
		fillPids()
	case "pid": // pid: print our pid
		fmt.Println(os.Getpid())
	case "bump-and-die": // bump-and-die FILE [FIFO]: once FIFO is opened for writing, write 1 into FILE (a fake oom_kill counter), die of SIGKILL
		if len(args) > 1 {
			f, err := os.Open(args[1])
			if err != nil {
				fail(err.Error())
			}
			f.Close()
		}
		if err := os.WriteFile(arg(args, 0), []byte("1\n"), 0o644); err != nil {
			fail(err.Error())
		}
		dieOf(int(syscall.SIGKILL))
	default:
		fail("unknown mode " + os.Args[1])
	}
}

// dieOf ends the process by signal n with the default action, whatever Go
// would do with it: a shell with default dispositions sends it to itself.
func dieOf(n int) {
	err := syscall.Exec("/bin/sh", []string{"sh", "-c", fmt.Sprintf("kill -%d $$", n)}, os.Environ())
	fail(err.Error())
}

func waitSignal(prefix string) {
	if prefix != "" {
		prefix += " "
	}
	ch := make(chan os.Signal, 1)
	for n := syscall.Signal(1); n < 32; n++ {
		switch n {
		case syscall.SIGKILL, syscall.SIGSTOP, syscall.SIGURG, syscall.SIGCHLD, syscall.SIGPIPE:
			continue
		}
		signal.Notify(ch, n)
	}
	fmt.Printf("%sready\n", prefix)
	sig := (<-ch).(syscall.Signal)
	fmt.Printf("%sgot %d\n", prefix, int(sig))
	dieOf(int(sig))
}

func orphans(k int, kind string) {
	start := time.Now()
	cmd := exec.Command(os.Args[0], "fork-orphans", strconv.Itoa(k), kind)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		fail("fork-orphans: " + err.Error())
	}
	orphaned := time.Now()
	// Nothing signals that PID 1 (or the subreaper) has reaped: poll.
	deadline := time.Now().Add(30 * time.Second)
	for {
		left := siblings()
		if len(left) == 0 {
			fmt.Printf("reaped %d orphans in %s (forking took %s)\n", k, time.Since(orphaned), orphaned.Sub(start))
			return
		}
		if time.Now().After(deadline) {
			fmt.Printf("left %d: %s\n", len(left), strings.Join(left, ", "))
			os.Exit(1)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// siblings lists "pid:state" of every process other than us whose parent is
// our parent (the supervisor).
func siblings() []string {
	me, parent := os.Getpid(), os.Getppid()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		fail(err.Error())
	}
	var out []string
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == me {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // gone meanwhile
		}
		// pid (comm) state ppid ...: comm may hold spaces, so cut at the last ')'.
		s := string(stat)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) < 2 || atoi(fields[1]) != parent {
			continue
		}
		out = append(out, fmt.Sprintf("%d:%s", pid, fields[0]))
	}
	return out
}

func forkOrphans(k int, kind string) {
	attr := &syscall.ProcAttr{Env: os.Environ(), Files: []uintptr{0, 1, 2}}
	path, argv := "/bin/true", []string{"true"}
	if kind == "live" {
		// They live until we are gone: cat reads a pipe only we hold.
		r, w, err := os.Pipe()
		if err != nil {
			fail(err.Error())
		}
		defer w.Close()
		attr.Files = []uintptr{r.Fd(), 1, 2}
		path, argv = "/bin/cat", []string{"cat"}
	}
	for i := 0; i < k; i++ {
		if _, err := syscall.ForkExec(path, argv, attr); err != nil {
			fail(fmt.Sprintf("orphan %d: %v", i, err))
		}
	}
	// Exit without waiting: the children become orphans.
}

func leaveStubborn(code int) {
	cmd := exec.Command(os.Args[0], "ignore-term")
	out, err := cmd.StdoutPipe()
	if err != nil {
		fail(err.Error())
	}
	if err := cmd.Start(); err != nil {
		fail(err.Error())
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		fail("ignore-term: " + err.Error())
	}
	fmt.Printf("stubborn %s", strings.TrimPrefix(line, "ready "))
	os.Exit(code)
}

func groupParent() {
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, syscall.SIGTERM, syscall.SIGINT)
	cmd := exec.Command(os.Args[0], "wait-signal", "child")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		fail(err.Error())
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	fmt.Println("parent ready")
	for got := 0; ; {
		select {
		case sig := <-ch:
			fmt.Printf("parent got %d\n", int(sig.(syscall.Signal)))
			if got++; got == 2 {
				os.Exit(0)
			}
		case <-done:
			os.Exit(0)
		}
	}
}

func printStatus(who, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		fail(err.Error())
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "SigIgn:") || strings.HasPrefix(line, "SigBlk:") {
			fmt.Println(who, strings.Join(strings.Fields(line), " "))
		}
	}
}

// fillPids fills the process limit of its cgroup with sleeping children
// and holds it full until SIGTERM. Once the limit is reached no thread
// can start, and this Go program would die without one it wants (exit 2,
// which the test would take for the launcher's): as for the launcher,
// signals are caught first, it runs on one P, and idle threads are made
// beforehand. Without these it crashed once in CI, at the SIGTERM.
func fillPids() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGTERM)
	runtime.GOMAXPROCS(1)
	threads.Spare(3)
	n := 0
	for ; n < 1000; n++ {
		if _, err := syscall.ForkExec("/bin/sleep", []string{"sleep", "60"}, &syscall.ProcAttr{}); err != nil {
			if err != syscall.EAGAIN {
				fail("fill-pids: " + err.Error())
			}
			break
		}
	}
	fmt.Printf("full %d\n", n)
	<-ch
	os.Exit(42)
}

func blockForever() {
	for {
		time.Sleep(time.Hour)
	}
}

func arg(args []string, i int) string {
	if i >= len(args) {
		fail("missing argument")
	}
	return args[i]
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		fail(fmt.Sprintf("not a number: %q", s))
	}
	return n
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "testprog:", msg)
	os.Exit(99)
}

// execWithBlocked starts args the way a careless parent might: SIGINT,
// SIGHUP, SIGPIPE, SIGUSR1, SIGTTOU and SIGTSTP ignored, SIGUSR2, SIGTERM and
// SIGQUIT blocked.
func execWithBlocked(args []string) {
	signal.Ignore(syscall.SIGINT, syscall.SIGHUP, syscall.SIGPIPE, syscall.SIGUSR1, syscall.SIGTTOU, syscall.SIGTSTP)
	runtime.LockOSThread()
	var set unix.Sigset_t
	for _, sig := range []syscall.Signal{syscall.SIGUSR2, syscall.SIGTERM, syscall.SIGQUIT} {
		set.Val[(sig-1)/64] |= 1 << ((uint(sig) - 1) % 64)
	}
	if err := unix.PthreadSigmask(unix.SIG_BLOCK, &set, nil); err != nil {
		fail(err.Error())
	}
	err := syscall.Exec(arg(args, 0), args, os.Environ())
	fail(err.Error())
}

// hog touches mib MiB one page at a time, to be OOM-killed in a small
// memory cgroup.
func hog(mib int) {
	var keep [][]byte
	for i := 0; i < mib; i++ {
		b := make([]byte, 1<<20)
		for j := 0; j < len(b); j += 4096 {
			b[j] = 1
		}
		keep = append(keep, b)
	}
	fmt.Println("survived", len(keep))
}
