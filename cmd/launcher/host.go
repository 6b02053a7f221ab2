package main

import (
	"io"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// host is everything the launcher takes from the process it runs in, so
// tests can plan against fixture trees and fake environments.
type host struct {
	root   string // where proc/, sys/ and etc/ are read; "/" in production
	env    []string
	stdout io.Writer
	stderr io.Writer
	pid    int
	uid    int
	gid    int
	arch   string
	// pageSize is the memory page size, which sets the JVM's heap
	// alignment.
	pageSize int
	self     func() (string, error) // path of the running binary
	// reserveFD keeps fd 3 for the agent's secret (reserveSecretFD);
	// nil in tests, which run in a test binary's process.
	reserveFD func()
	// stdinStream says whether stdin is a pipe or a socket, which can
	// carry an agent's channel; nil: it is not.
	stdinStream func() bool
	// nprocLimit is RLIMIT_NPROC's soft value (`ulimit -u`), read only
	// by a supervisor once it settles; nil: no limit.
	nprocLimit func() uint64
}

func newHost() *host {
	return &host{
		root:     "/",
		env:      os.Environ(),
		stdout:   os.Stdout,
		stderr:   os.Stderr,
		pid:      os.Getpid(),
		uid:      os.Getuid(),
		gid:      os.Getgid(),
		arch:     runtime.GOARCH,
		pageSize: os.Getpagesize(),
		self:     os.Executable,

		reserveFD:   reserveSecretFD,
		stdinStream: stdinIsStream,
		nprocLimit:  nprocSoftLimit,
	}
}

// nprocSoftLimit is RLIMIT_NPROC's soft value; RLIM_INFINITY when it
// cannot be read.
func nprocSoftLimit() uint64 {
	var rl unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NPROC, &rl) != nil {
		return unix.RLIM_INFINITY
	}
	return rl.Cur
}

// stdinIsStream reports whether fd 0 is a pipe or a socket: what a
// controller that runs the agent's container itself connects to it.
// /dev/null (Kubernetes and `docker run` without -i) and a terminal are not.
func stdinIsStream() bool {
	var st unix.Stat_t
	if unix.Fstat(0, &st) != nil {
		return false
	}
	t := st.Mode & unix.S_IFMT
	return t == unix.S_IFIFO || t == unix.S_IFSOCK
}

func (h host) lookup(name string) (string, bool) {
	// The first match, as libc's getenv and the child would see it.
	for _, kv := range h.env {
		if len(kv) > len(name) && kv[len(name)] == '=' && kv[:len(name)] == name {
			return kv[len(name)+1:], true
		}
	}
	return "", false
}

func (h host) getenv(name string) string {
	v, _ := h.lookup(name)
	return v
}
