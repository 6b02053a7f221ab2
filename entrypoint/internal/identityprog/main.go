// Command identityprog runs PlanHome and ApplyHome for the process's own
// identity, prints the outcome as one JSON line, and then execs its
// arguments with the returned environment. It exists for the entrypoint
// package's root tests, which start it under other uids.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"syscall"

	"github.com/jenkins-launcher/launcher/entrypoint"
)

// Outcome is the JSON line printed before the exec.
type Outcome struct {
	Plan       entrypoint.HomePlan `json:"plan"`
	PlanError  string              `json:"plan_error,omitempty"`
	Env        []string            `json:"env"`
	ApplyError string              `json:"apply_error,omitempty"`
}

func main() {
	root := flag.String("root", "/", "filesystem root")
	flag.Parse()
	in := entrypoint.IdentityInput{
		Root:     *root,
		UID:      os.Getuid(),
		GID:      os.Getgid(),
		UserName: os.Getenv("LAUNCHER_USER"),
		Log:      slog.New(slog.NewTextHandler(os.Stderr, nil)),
	}
	var out Outcome
	plan, err := entrypoint.PlanHome(in)
	out.Plan = plan
	if err != nil {
		out.PlanError = err.Error()
	} else {
		out.Env, _, err = entrypoint.ApplyHome(in, plan)
		if err != nil {
			out.ApplyError = err.Error()
		}
	}
	line, _ := json.Marshal(out)
	fmt.Println(string(line))
	if flag.NArg() == 0 || out.PlanError != "" || out.ApplyError != "" {
		return
	}
	path, err := exec.LookPath(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(127)
	}
	err = syscall.Exec(path, flag.Args(), entrypoint.MergeEnv(os.Environ(), out.Env))
	fmt.Fprintln(os.Stderr, err)
	os.Exit(126)
}
