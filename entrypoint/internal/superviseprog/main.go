// Command superviseprog is the launcher as the entrypoint package's
// real-kernel tests and benchmarks see it: CatchSignals, then Run of the
// command in its arguments, with Options from SUPERVISE_* variables.
//
//	SUPERVISE_SUBREAPER=1    Options.Subreaper
//	SUPERVISE_GROUP=1        Options.SignalGroup
//	SUPERVISE_GRACE=DUR      Options.StopGrace
//	SUPERVISE_DEBUG=1        debug log to stderr
//	SUPERVISE_OOM_FILE=PATH  Options.OOM reading a counter from PATH: a number,
//	                         or the "oom_kill N" line of a memory.oom_control
//	SUPERVISE_OOM_READ=FIFO  after the first reading, open FIFO for writing: a
//	                         command that waits for it knows the reading is made
//	SUPERVISE_SETUP_WAIT=1   print "setup" and wait for a terminating signal instead of running
//	SUPERVISE_EXTRA_FILE=P   pass file P as ExtraFiles[0] (fd 3), opened after a pipe
//	                         has started the runtime's poller, as set-up's network use does
//	SUPERVISE_EXTRA_BUSY=1   and put a pipe on fd 3 first, as where the poller took it
//	SUPERVISE_REPORT_FG=1    after Run, print the terminal's foreground group and our own
//	SUPERVISE_GATE=FIFO      print "caught" once signals are caught, then wait until
//	                         FIFO is opened for writing before Run
//	SUPERVISE_GC_EVERY=DUR   run a garbage collection every DUR, as the runtime
//	                         forced one every two minutes (see stopTimedCollections)
//	SUPERVISE_GC_GATE=FIFO   and start them once a byte can be read from FIFO
//	                         (waiting in the runtime's poller, as a launcher
//	                         that read signals during set-up does, not in a
//	                         system call that would keep a thread busy)
//	SUPERVISE_PIDS_ROOM=1    Options.ProcessRoom from the pids cgroup, as the launcher's
//	SUPERVISE_PIDS_ROOM=none Options.ProcessRoom says the limit is reached
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jenkins-launcher/launcher/cgroup"
	"github.com/jenkins-launcher/launcher/entrypoint"
	"golang.org/x/sys/unix"
)

func main() {
	sigs := entrypoint.CatchSignals(true)
	var extra []*os.File
	if os.Getenv("SUPERVISE_EXTRA_FILE") != "" {
		r, _, err := os.Pipe()
		if err != nil {
			fmt.Fprintln(os.Stderr, "superviseprog:", err)
			os.Exit(entrypoint.ExitInternal)
		}
		if os.Getenv("SUPERVISE_EXTRA_BUSY") == "1" {
			if err := unix.Dup3(int(r.Fd()), 3, unix.O_CLOEXEC); err != nil {
				fmt.Fprintln(os.Stderr, "superviseprog:", err)
				os.Exit(entrypoint.ExitInternal)
			}
		}
		extra = openExtra()
	}
	if os.Getenv("SUPERVISE_SETUP_WAIT") == "1" {
		ctx := sigs.Context(context.Background())
		sigs.Ready()
		fmt.Println("setup")
		<-ctx.Done()
		se, _ := context.Cause(ctx).(*entrypoint.SignalError)
		if se == nil {
			os.Exit(entrypoint.ExitInternal)
		}
		os.Exit(se.ExitCode())
	}
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: superviseprog CMD [ARGS...]")
		os.Exit(entrypoint.ExitConfig)
	}
	path, code, err := entrypoint.LookPath(os.Args[1], os.Getenv("PATH"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "superviseprog:", err)
		os.Exit(code)
	}
	if gate := os.Getenv("SUPERVISE_GATE"); gate != "" {
		sigs.Ready()
		fmt.Println("caught")
		f, err := os.Open(gate) // a FIFO: blocks until the test opens it
		if err != nil {
			fmt.Fprintln(os.Stderr, "superviseprog:", err)
			os.Exit(entrypoint.ExitInternal)
		}
		f.Close()
	}
	if every := os.Getenv("SUPERVISE_GC_EVERY"); every != "" {
		d, err := time.ParseDuration(every)
		if err != nil {
			fmt.Fprintf(os.Stderr, "superviseprog: SUPERVISE_GC_EVERY %q: %v\n", every, err)
			os.Exit(entrypoint.ExitConfig)
		}
		gcGate := os.Getenv("SUPERVISE_GC_GATE")
		go func() {
			if gcGate != "" {
				awaitByte(gcGate)
			}
			for {
				time.Sleep(d)
				runtime.GC()
			}
		}()
	}
	cmd := entrypoint.Command{Path: path, Args: os.Args[1:], Env: os.Environ(), ExtraFiles: extra}
	opts := options()
	code = entrypoint.Run(&cmd, sigs, &opts)
	if os.Getenv("SUPERVISE_REPORT_FG") == "1" {
		fg, err := unix.IoctlGetInt(0, unix.TIOCGPGRP)
		fmt.Printf("terminal fg %d own %d (%v)\n", fg, unix.Getpgrp(), err)
	}
	os.Exit(code)
}

func options() entrypoint.Options {
	opts := entrypoint.Options{
		Subreaper:   os.Getenv("SUPERVISE_SUBREAPER") == "1",
		SignalGroup: os.Getenv("SUPERVISE_GROUP") == "1",
	}
	if g := os.Getenv("SUPERVISE_GRACE"); g != "" {
		d, err := time.ParseDuration(g)
		if err != nil {
			fmt.Fprintf(os.Stderr, "superviseprog: SUPERVISE_GRACE %q: %v\n", g, err)
			os.Exit(entrypoint.ExitConfig)
		}
		opts.StopGrace = d
	}
	switch os.Getenv("SUPERVISE_PIDS_ROOM") {
	case "1":
		opts.ProcessRoom = func() (int64, string) {
			free, limited, err := cgroup.PidsFree("/")
			if !limited || err != nil {
				return 0, ""
			}
			return free, "pids.max"
		}
	case "none":
		opts.ProcessRoom = func() (int64, string) { return 0, "pids.max" }
	}
	if os.Getenv("SUPERVISE_DEBUG") == "1" {
		opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	} else {
		opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if file := os.Getenv("SUPERVISE_OOM_FILE"); file != "" {
		var first sync.Once
		opts.OOM = &entrypoint.OOMWatch{
			Read: func() (uint64, error) {
				data, err := os.ReadFile(file)
				if err != nil {
					return 0, err
				}
				text := string(data)
				if i := strings.Index(text, "oom_kill "); i >= 0 {
					text = strings.Fields(text[i+len("oom_kill "):])[0]
				}
				n, err := strconv.ParseUint(strings.TrimSpace(text), 10, 64)
				first.Do(func() {
					if fifo := os.Getenv("SUPERVISE_OOM_READ"); fifo != "" {
						if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
							f.Close()
						}
					}
				})
				return n, err
			},
			Limit:    func() string { return "64.0 MiB (test)" },
			JVMFlags: []string{"-Xmx32m"},
			Advice:   "raise the limit",
		}
	}
	return opts
}

func openExtra() []*os.File {
	f, err := os.Open(os.Getenv("SUPERVISE_EXTRA_FILE"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "superviseprog:", err)
		os.Exit(entrypoint.ExitInternal)
	}
	return []*os.File{f}
}

// awaitByte reads one byte from the FIFO at path, opened for reading and
// writing so that the open does not wait for a writer and the read waits
// in the runtime's poller.
func awaitByte(path string) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err == nil {
		_, err = f.Read(make([]byte, 1))
		f.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "superviseprog:", err)
		os.Exit(entrypoint.ExitInternal)
	}
}
