package cgroup

import (
	"os"
	"path/filepath"
	"testing"
)

// eachFixture runs run, as a subtest, for every fixture tree under
// testdata/dir with its case, and fails for a tree without a case or a
// case without a tree. root is the tree's absolute path.
func eachFixture[C any](t *testing.T, dir string, cases map[string]C, run func(t *testing.T, root string, tc C)) {
	t.Helper()
	dirs, err := os.ReadDir(filepath.Join("testdata", dir))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range dirs {
		name := e.Name()
		seen[name] = true
		tc, ok := cases[name]
		if !ok {
			t.Errorf("fixture testdata/%s/%s has no test case", dir, name)
			continue
		}
		root, err := filepath.Abs(filepath.Join("testdata", dir, name))
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) { run(t, root, tc) })
	}
	for name := range cases {
		if !seen[name] {
			t.Errorf("case %s has no fixture directory under testdata/%s", name, dir)
		}
	}
}
