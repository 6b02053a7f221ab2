package entrypoint

import (
	"slices"
	"testing"
)

func TestMergeEnv(t *testing.T) {
	for _, tc := range []struct {
		name          string
		base, changes []string
		want          []string
	}{
		{"no-changes", []string{"A=1", "HOME=/"}, nil, []string{"A=1", "HOME=/"}},
		{"replace-in-place", []string{"HOME=/", "A=1"}, []string{"HOME=/tmp/h"}, []string{"HOME=/tmp/h", "A=1"}},
		{"append-new", []string{"A=1"}, []string{"USER=j", "LOGNAME=j"}, []string{"A=1", "USER=j", "LOGNAME=j"}},
		{"drop-duplicates", []string{"HOME=/", "A=1", "HOME=/x"}, []string{"HOME=/h"}, []string{"HOME=/h", "A=1"}},
		{"last-change-wins", []string{"A=1"}, []string{"B=1", "B=2"}, []string{"A=1", "B=2"}},
		{"empty-value", []string{"LD_PRELOAD="}, []string{"LD_PRELOAD=/x.so"}, []string{"LD_PRELOAD=/x.so"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := MergeEnv(tc.base, tc.changes); !slices.Equal(got, tc.want) {
				t.Errorf("MergeEnv = %q, want %q", got, tc.want)
			}
		})
	}
}
