package entrypoint

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParsePasswd(t *testing.T) {
	for _, tc := range []struct {
		name      string
		data      string
		wantNames []string
		wantErrs  int
	}{
		{"empty", "", nil, 0},
		{"debian", "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n", []string{"root", "nobody"}, 0},
		{"no-final-newline", "a:x:1:1::/:/bin/sh", []string{"a"}, 0},
		{"crlf", "a:x:1:1::/:/bin/sh\r\nb:x:2:2::/:/bin/sh\r\n", []string{"a", "b"}, 0},
		{"blank-and-comment", "\n# comment\n  \na:x:1:1::/:/bin/sh\n", []string{"a"}, 0},
		{"too-few-fields", "a:x:1:1::/\nb:x:2:2::/:/bin/sh\n", []string{"b"}, 1},
		{"too-many-fields", "a:x:1:1::/:/bin/sh:extra\n", nil, 1},
		{"non-numeric-uid", "a:x:one:1::/:/bin/sh\n", nil, 1},
		{"negative-gid", "a:x:1:-1::/:/bin/sh\n", nil, 1},
		{"uid-over-32-bits", "a:x:4294967296:1::/:/bin/sh\n", nil, 1},
		{"empty-name", ":x:1:1::/:/bin/sh\n", nil, 1},
		{"nis-compat", "+::::::\n", nil, 1},
		{"podman-entry", "1000100000:*:1000100000:0:container user:/:/bin/sh\n", []string{"1000100000"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			entries, errs := ParsePasswd([]byte(tc.data))
			var names []string
			for _, e := range entries {
				names = append(names, e.Name)
			}
			if fmt.Sprint(names) != fmt.Sprint(tc.wantNames) || len(errs) != tc.wantErrs {
				t.Errorf("names %q errs %v, want names %q and %d errors", names, errs, tc.wantNames, tc.wantErrs)
			}
			for _, err := range errs {
				if !strings.Contains(err.Error(), "passwd line ") {
					t.Errorf("error %q does not name the line", err)
				}
			}
		})
	}
}

// TestFindUIDMatchesParse: the fast lookup agrees with the full parse on
// every fixture, for every uid listed and for one that is not.
func TestFindUIDMatchesParse(t *testing.T) {
	fixtures, err := filepath.Glob("testdata/identity/*/etc/passwd")
	if err != nil || len(fixtures) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range fixtures {
		data, err := os.ReadFile(f)
		idMust(t, err)
		entries, _ := ParsePasswd(data)
		for _, e := range entries {
			got, ok := findUID(data, e.UID)
			if !ok || got != idFirstWithUID(entries, e.UID) {
				t.Errorf("%s: findUID(%d) = %+v, %v", f, e.UID, got, ok)
			}
		}
		if _, ok := findUID(data, 123456789); ok {
			t.Errorf("%s: found an absent uid", f)
		}
	}
}

func idFirstWithUID(entries []PasswdEntry, uid int) PasswdEntry {
	for _, e := range entries {
		if e.UID == uid {
			return e
		}
	}
	return PasswdEntry{}
}

func TestChooseName(t *testing.T) {
	data := []byte("jenkins:x:1000:1000::/home/jenkins:/bin/sh\njenkins-7:x:1001:1001::/:/bin/sh\n")
	for _, tc := range []struct {
		name string
		uid  int
		want string
	}{
		{"builder", 7, "builder"},
		{"jenkins", 5, "jenkins-5"},
		{"jenkins", 7, "jenkins-7-2"},
		{"jenk", 5, "jenk"},
	} {
		if got := chooseName(data, tc.name, tc.uid); got != tc.want {
			t.Errorf("chooseName(%q, %d) = %q, want %q", tc.name, tc.uid, got, tc.want)
		}
	}
}

// FuzzParsePasswd: any input parses without a panic, every entry it returns
// formats back into a line that parses to the same entry, and findUID
// agrees with the full parse.
func FuzzParsePasswd(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/identity/*/etc/passwd")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("a:x:1:1::/:/bin/sh\r\n+::::::\n:x:::::\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, _ := ParsePasswd(data)
		for _, e := range entries {
			if got, ok := findUID(data, e.UID); !ok || got != idFirstWithUID(entries, e.UID) {
				t.Fatalf("findUID(%d) = %+v, %v; ParsePasswd has %+v", e.UID, got, ok, idFirstWithUID(entries, e.UID))
			}
			line, err := passwdLine(e)
			if err != nil {
				continue // e.g. a name with a NUL byte: refused, fine
			}
			back, errs := ParsePasswd([]byte(line))
			if len(errs) > 0 || len(back) != 1 || back[0].Name != e.Name || back[0].UID != e.UID || back[0].Home != e.Home {
				t.Fatalf("entry %+v formats to %q, which parses to %+v %v", e, line, back, errs)
			}
		}
	})
}
