// Command floor is the benchmark baseline for the launcher's start-up cost:
// it links the same packages (blank imports run their initialisation) and
// only replaces itself with its arguments, so the difference to
// `launcher exec -- CMD` is the launcher's own work. It has the launcher's
// runtime settings too (see cmd/launcher/main.go).
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
	err := syscall.Exec(os.Args[1], os.Args[1:], os.Environ())
	os.Stderr.WriteString("floor: " + err.Error() + "\n")
	os.Exit(127)
}
