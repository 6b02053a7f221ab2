package main

import (
	"fmt"
	"io"
)

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 1 && args[1] == "version" {
		fmt.Fprintln(stdout, "launcher", version)
		return 0
	}
	fmt.Fprintln(stderr, "launcher: not implemented yet")
	return 70
}
