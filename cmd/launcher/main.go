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

	"golang.org/x/sys/unix"
)

// version is stamped at build time with -ldflags -X main.version=...
var version = "dev"

// benchExecFirst is set only in the start-up benchmark's build (-ldflags
// -X main.benchExecFirst=1): the binary then replaces itself with its
// arguments before any work, which tells the cost of this binary's size
// and initialisation from the cost of the launcher's work.
var benchExecFirst string

func main() {
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

func benchExec() {
	err := unix.Exec(os.Args[1], os.Args[1:], os.Environ())
	os.Stderr.WriteString("launcher: " + err.Error() + "\n")
	os.Exit(exitNotFound)
}
