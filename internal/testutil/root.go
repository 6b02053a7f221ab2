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

// WorldDir is a temporary directory that other uids can traverse
// (t.TempDir is private to the test's uid), removed when the test ends:
// for what a test runs as another user.
func WorldDir(t testing.TB, prefix string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
