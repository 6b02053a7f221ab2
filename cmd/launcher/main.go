// Command launcher is the ENTRYPOINT of Jenkins agent containers: it reads
// the container's limits, plans the JVM's memory, makes a working home for
// any UID, waits for the controller and runs the agent as a supervised child
// (PID 1) or in its own place. See README.md.

// The runtime would read the cgroup CPU files at start and keep them open
// on fds 3 and 4 to follow limit changes. The launcher reads the limits
// itself, needs no parallelism, and wants fd 3 for the agent secret.
//
//go:debug containermaxprocs=0
//go:debug updatemaxprocs=0
package main

import (
	"os"
	"runtime/debug"

	"golang.org/x/sys/unix"
)

// version is stamped at build time with -ldflags -X main.version=...
var version = "dev"

// benchExecFirst is set only in the start-up benchmark's build (-ldflags
// -X main.benchExecFirst=1): the binary then replaces itself with its
// arguments before any work, which tells the cost of this binary's size
// and initialisation from the cost of the launcher's work.
var benchExecFirst string

// firstStackOnly is set only in a test's build (-ldflags -X
// main.firstStackOnly=1): no goroutine's stack may then grow past 4 KiB,
// the main goroutine's first stack, and run starts below a frame of
// stackMargin bytes, so that a start-up path that comes within that
// margin of outgrowing it fails with "stack overflow"
// (TestStartFitsFirstStack; see run).
var firstStackOnly string

func main() {
	if firstStackOnly != "" {
		debug.SetMaxStack(4096)
		os.Exit(runWithMargin(newHost(), os.Args[1:]))
	}
	if benchExecFirst != "" {
		benchExec()
	}
	os.Exit(run(newHost(), os.Args[1:]))
}

// reserveSecretFD holds fd 3 with a harmless regular file until the agent
// secret takes its place. Otherwise the Go runtime's epoll descriptor may
// land there, and entrypoint, which cannot overwrite that before an exec,
// would have to stay as the agent's parent instead of replacing itself.
// Only agent mode hands a file to its command, so only it pays for this
// (opening /proc/self/exe: 25-35 us here).
func reserveSecretFD() {
	fd, err := unix.Open("/proc/self/exe", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err == nil && fd != secretFD {
		unix.Close(fd)
	}
}

// stackMargin is the stack that TestStartFitsFirstStack keeps free below
// run: room for what an environment, a passwd file or a Go release other
// than the test's may add.
const stackMargin = 256

//go:noinline
func runWithMargin(h *host, args []string) int {
	var margin [stackMargin]byte
	return run(h, args) + int(lastByte(margin[:]))
}

func benchExec() {
	err := unix.Exec(os.Args[1], os.Args[1:], os.Environ())
	os.Stderr.WriteString("launcher: " + err.Error() + "\n")
	os.Exit(exitNotFound)
}
