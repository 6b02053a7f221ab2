// Command floor is the benchmark baseline for the launcher's start-up cost:
// it links the same packages (blank imports run their initialisation) and
// only replaces itself with its arguments, so the difference to
// `launcher exec -- CMD` is the launcher's own work. It has the launcher's
// runtime settings too (see cmd/launcher/main.go).
//
// `floor -fork CMD...` starts CMD as a child and waits for it instead: the
// least a supervisor must do, and so the baseline for the launcher as PID 1,
// which cannot replace itself. It catches no signal.
//
//go:debug containermaxprocs=0
//go:debug updatemaxprocs=0
package main

import (
	"os"
	"syscall"

	_ "github.com/jenkins-launcher/launcher/cgroup"
	_ "github.com/jenkins-launcher/launcher/config"
	_ "github.com/jenkins-launcher/launcher/ecs"
	_ "github.com/jenkins-launcher/launcher/entrypoint"
	_ "github.com/jenkins-launcher/launcher/jnlp"
	_ "github.com/jenkins-launcher/launcher/jvm"
)

func main() {
	if len(os.Args) < 2 {
		os.Exit(64)
	}
	if os.Args[1] == "-fork" && len(os.Args) > 2 {
		os.Exit(forkWait(os.Args[2:]))
	}
	err := syscall.Exec(os.Args[1], os.Args[1:], os.Environ())
	os.Stderr.WriteString("floor: " + err.Error() + "\n")
	os.Exit(127)
}

// forkWait runs argv as a child and returns its exit code (128+n for signal n).
func forkWait(argv []string) int {
	pid, err := syscall.ForkExec(argv[0], argv, &syscall.ProcAttr{Env: os.Environ(), Files: []uintptr{0, 1, 2}})
	if err != nil {
		os.Stderr.WriteString("floor: " + err.Error() + "\n")
		return 127
	}
	var ws syscall.WaitStatus
	for {
		if _, err := syscall.Wait4(pid, &ws, 0, nil); err != syscall.EINTR {
			break
		}
	}
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}
