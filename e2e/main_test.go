//go:build e2e

// Package e2e runs the launcher in real containers (podman, runc) and in
// real cgroups on this host: the stand-in controller (e2e/standin) runs in
// the test process and the stand-in agent jar (e2e/agent) reports back how
// the launcher started it. Everything here needs root and podman; run it
// with `make e2e` (e2e/run.sh).
package e2e

import (
	"fmt"
	"os"
	"testing"
)

// artefacts is built once per run, on first use, so that a run that only
// skips (not root, no podman) costs nothing. It is set in TestMain and not
// reassigned.
var artefacts *suite

func TestMain(m *testing.M) {
	tmp, err := os.MkdirTemp("", "launcher-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	artefacts = newSuite(tmp)
	code := m.Run()
	os.RemoveAll(tmp)
	os.Exit(code)
}
