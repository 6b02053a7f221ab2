// Package testutil holds the few helpers that tests of several packages
// share. It is imported by tests only.
package testutil

import (
	"os"
	"testing"
)

// RequireRoot skips a test that needs root, except under CI=true, where a
// skipped root test would hide a broken CI set-up: there it fails.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	Unavailable(t, "needs root")
}

// Unavailable skips the test for why, or fails it under CI=true.
func Unavailable(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and this test cannot run: %s", why)
	}
	t.Skip(why)
}
