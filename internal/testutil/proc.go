package testutil

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// VmRSSKiB returns the resident memory of process pid, from its
// /proc/PID/status.
func VmRSSKiB(tb testing.TB, pid int) int {
	tb.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		tb.Fatal(err)
	}
	for line := range strings.Lines(string(data)) {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kib, err := strconv.Atoi(f[1])
			if err != nil {
				tb.Fatalf("VmRSS line %q: %v", line, err)
			}
			return kib
		}
	}
	tb.Fatalf("no VmRSS in /proc/%d/status", pid)
	return 0
}
