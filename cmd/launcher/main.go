// Command launcher is the ENTRYPOINT of Jenkins agent containers. See
// README.md.
package main

import "os"

// version is stamped at build time with -ldflags -X main.version=...
var version = "dev"

func main() {
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}
