// Command signalprog is the subject of the signal-pipe tests: it catches
// signals as a supervisor does (entrypoint.CatchSignals(true)), then:
//
//	signalprog wait     prints "ready", then "caught N" for the first
//	                    terminating signal N, and exits 0
//	signalprog fault    dereferences nil and prints what it recovered:
//	                    a fault must still reach the Go runtime
//	signalprog sigpipe  writes to a stdout whose reader has gone, then
//	                    prints "survived" on stderr
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/jenkins-launcher/launcher/entrypoint"
	"golang.org/x/sys/unix"
)

func main() {
	sigs := entrypoint.CatchSignals(true)
	if len(os.Args) != 2 {
		fail("usage: signalprog wait|fault|sigpipe")
	}
	switch os.Args[1] {
	case "wait":
		ctx := sigs.Context(context.Background())
		fmt.Println("ready")
		<-ctx.Done()
		var se *entrypoint.SignalError
		if !errors.As(context.Cause(ctx), &se) {
			fail(fmt.Sprint("cause: ", context.Cause(ctx)))
		}
		fmt.Printf("caught %d\n", int(se.Signal))
	case "fault":
		fmt.Println("recovered:", dereference(nil))
	case "sigpipe":
		var p [2]int
		if err := syscall.Pipe(p[:]); err != nil {
			fail(err.Error())
		}
		syscall.Close(p[0])
		if err := unix.Dup3(p[1], 1, 0); err != nil {
			fail(err.Error())
		}
		_, err := os.Stdout.WriteString("into a broken pipe\n")
		fmt.Fprintln(os.Stderr, "survived:", err)
	default:
		fail("unknown mode " + os.Args[1])
	}
}

// dereference reads through p; a nil p faults, and the runtime turns the
// SIGSEGV into a panic, recovered here.
func dereference(p *int) (err any) {
	defer func() { err = recover() }()
	return *p
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "signalprog:", msg)
	os.Exit(2)
}
