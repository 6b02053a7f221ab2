package entrypoint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadOnlyFileMappings: whatever /proc/self/maps or smaps holds, the parser
// never panics, and never offers a writable, shared, anonymous or empty
// range for dropping.
func FuzzReadOnlyFileMappings(f *testing.F) {
	fixtures, _ := filepath.Glob(filepath.Join("testdata", "supervise", "maps", "*"))
	for _, path := range fixtures {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Fuzz(func(t *testing.T, maps string) {
		all, err := readOnlyFileMappings(strings.NewReader(maps))
		if err != nil {
			return
		}
		n := 0
		for _, line := range strings.Split(maps, "\n") {
			got, err := readOnlyFileMappings(strings.NewReader(line))
			if err != nil {
				t.Fatalf("line %q fails alone but not in the whole: %v", line, err)
			}
			n += len(got)
			if len(got) == 0 {
				continue
			}
			fields := strings.Fields(line)
			perms := fields[1]
			if perms[1] == 'w' || perms[3] != 'p' || fields[4] == "0" || got[0].end <= got[0].start {
				t.Fatalf("offered %q for dropping as %x", line, got)
			}
		}
		// An smaps "Anonymous:" line can only take a mapping away.
		if len(all) > n {
			t.Fatalf("%d ranges line by line, %d in the whole", n, len(all))
		}
	})
}
