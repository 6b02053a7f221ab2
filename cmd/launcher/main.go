// Command launcher is the ENTRYPOINT of Jenkins agent containers: it reads
// the container's limits, plans the JVM's memory, makes a working home for
// any UID, waits for the controller and runs the agent as a supervised child
// (PID 1) or in its own place. See README.md.
package main

import (
	"os"
)

// version is stamped at build time with -ldflags -X main.version=...
var version = "dev"

func main() {
	os.Exit(run(newHost(), os.Args[1:]))
}
