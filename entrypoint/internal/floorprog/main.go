// Command floorprog is the floor of the start-overhead benchmark: it links
// the entrypoint package as the launcher does, but only execs its
// arguments, so the difference to superviseprog is what supervision costs.
package main

import (
	"fmt"
	"os"
	"syscall"

	"github.com/jenkins-launcher/launcher/entrypoint"
)

func main() {
	if len(os.Args) < 2 || entrypoint.ShouldSupervise(0, false) {
		fmt.Fprintln(os.Stderr, "usage: floorprog /ABS/CMD [ARGS...]")
		os.Exit(entrypoint.ExitConfig)
	}
	err := syscall.Exec(os.Args[1], os.Args[1:], os.Environ())
	fmt.Fprintln(os.Stderr, "floorprog:", err)
	os.Exit(entrypoint.ExitNotExecutable)
}
