package entrypoint

import "strings"

// MergeEnv returns base with changes ("KEY=value") applied: a changed key
// replaces the first occurrence in place and drops later ones, because
// libc's getenv returns the first match and a duplicate would hide the
// change from the child.
func MergeEnv(base, changes []string) []string {
	idx := make(map[string]int, len(changes))
	for i, kv := range changes {
		k, _, _ := strings.Cut(kv, "=")
		idx[k] = i
	}
	out := make([]string, 0, len(base)+len(changes))
	used := make([]bool, len(changes))
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		i, ok := idx[k]
		switch {
		case !ok:
			out = append(out, kv)
		case !used[i]:
			out = append(out, changes[i])
			used[i] = true
		}
	}
	for i, kv := range changes {
		if !used[i] {
			k, _, _ := strings.Cut(kv, "=")
			if idx[k] == i {
				out = append(out, kv)
			}
		}
	}
	return out
}
