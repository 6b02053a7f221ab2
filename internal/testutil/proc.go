package testutil

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// VmRSSKiB returns the resident memory of process pid, from its
// /proc/PID/status.
func VmRSSKiB(tb testing.TB, pid int) int {
	tb.Helper()
	return StatusField(tb, pid, "VmRSS")
}

// StatusField returns the number that starts field name ("VmRSS",
// "Threads") of /proc/PID/status.
func StatusField(tb testing.TB, pid int, name string) int {
	tb.Helper()
	n, err := ReadStatusField(pid, name)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// ReadStatusField is StatusField for a goroutine that may not end the test.
func ReadStatusField(pid int, name string) (int, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(data)) {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == name+":" {
			n, err := strconv.Atoi(f[1])
			if err != nil {
				return 0, fmt.Errorf("%s line %q: %w", name, line, err)
			}
			return n, nil
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", name, pid)
}
