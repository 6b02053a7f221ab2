package cgroup

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseMountinfoLine(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		ok         bool
		want       mount
		err        bool
	}{
		{name: "v1 with optional field", line: "720 717 0:33 /docker/x /sys/fs/cgroup/cpu,cpuacct ro,nosuid master:16 - cgroup cgroup rw,cpu,cpuacct",
			ok: true, want: mount{root: "/docker/x", point: "/sys/fs/cgroup/cpu,cpuacct", opts: "rw,cpu,cpuacct"}},
		{name: "v2", line: "26 23 0:24 / /sys/fs/cgroup rw shared:4 - cgroup2 cgroup2 rw,nsdelegate",
			ok: true, want: mount{root: "/", point: "/sys/fs/cgroup", v2: true, opts: "rw,nsdelegate"}},
		{name: "escaped space", line: `1 2 0:3 /a\040b /mnt/c\134d rw - cgroup cgroup rw,memory`,
			ok: true, want: mount{root: "/a b", point: `/mnt/c\d`, opts: "rw,memory"}},
		{name: "not cgroup", line: "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw", ok: false},
		{name: "no separator", line: "27 1 254:0 / / rw,relatime", err: true},
		{name: "too few fields", line: "1 2 3 - cgroup cgroup rw", err: true},
		{name: "relative mount point", line: "1 2 0:3 / sys rw - cgroup cgroup rw,cpu", err: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, ok, err := parseMountinfoLine([]byte(tc.line))
			if (err != nil) != tc.err || ok != tc.ok || m != tc.want {
				t.Errorf("parseMountinfoLine(%q) = %+v, %v, %v", tc.line, m, ok, err)
			}
		})
	}
}

func TestHasControllerWholeWords(t *testing.T) {
	m := mount{opts: "rw,cpuacct,cpuset"}
	if m.hasController("cpu") {
		t.Error(`"cpu" matched inside "cpuacct"/"cpuset"`)
	}
	if !m.hasController("cpuset") {
		t.Error(`"cpuset" not found`)
	}
}

func TestGroupDir(t *testing.T) {
	for _, tc := range []struct {
		name, root, point, path, want string
		ok                            bool
	}{
		{"host path equals mount root", "/docker/a", "/sys/fs/cgroup/memory", "/docker/a", "/sys/fs/cgroup/memory", true},
		{"below mount root", "/docker/a", "/sys/fs/cgroup/memory", "/docker/a/sub", "/sys/fs/cgroup/memory/sub", true},
		{"sibling with common prefix", "/docker/a", "/sys/fs/cgroup/memory", "/docker/ab", "/sys/fs/cgroup/memory", false},
		{"namespace root", "/", "/sys/fs/cgroup", "/", "/sys/fs/cgroup", true},
		{"host cgroupns", "/", "/sys/fs/cgroup", "/kubepods.slice/x.scope", "/sys/fs/cgroup/kubepods.slice/x.scope", true},
		{"outside the namespace", "/", "/sys/fs/cgroup", "/../x", "/sys/fs/cgroup", false},
		{"mount from outside the namespace", "/../..", "/sys/fs/cgroup", "/", "/sys/fs/cgroup", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := groupDir(mount{root: tc.root, point: tc.point}, tc.path)
			if got != tc.want || ok != tc.ok {
				t.Errorf("groupDir = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestAncestorsStopsAtMountPoint(t *testing.T) {
	var got []string
	ancestors("/sys/fs/cgroup/a/b", "/sys/fs/cgroup", func(d string, leaf bool) bool {
		if leaf != (len(got) == 0) {
			t.Errorf("leaf = %v for %s", leaf, d)
		}
		got = append(got, d)
		return false
	})
	if want := "/sys/fs/cgroup/a/b /sys/fs/cgroup/a /sys/fs/cgroup"; strings.Join(got, " ") != want {
		t.Errorf("ancestors = %v, want %s", got, want)
	}
}

func TestParseCPUMax(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
		err  bool
	}{
		{"max 100000", 0, false, false},
		{"150000 100000\n", 1.5, true, false},
		{"50000 100000", 0.5, true, false},
		{"150000", 0, false, true},
		{"150000 0", 0, false, true},
		{"0 100000", 0, false, true},
		{"-5 100000", 0, false, true},
	} {
		got, ok, err := parseCPUMax([]byte(tc.in))
		if got != tc.want || ok != tc.ok || (err != nil) != tc.err {
			t.Errorf("parseCPUMax(%q) = %v, %v, %v", tc.in, got, ok, err)
		}
	}
}

func TestParseLimits(t *testing.T) {
	for _, tc := range []struct {
		in     string
		v1, v2 uint64
		ok1    bool
		ok2    bool
		err1   bool
		err2   bool
	}{
		{in: "268435456", v1: 268435456, v2: 268435456, ok1: true, ok2: true},
		{in: "9223372036854771712", ok2: true, v2: 9223372036854771712},
		{in: "9223372036854710272", ok2: true, v2: 9223372036854710272}, // 64 KiB pages
		{in: "-1", err2: true},
		{in: "max", err1: true},
		{in: "18446744073709551616", err1: true, err2: true},
		{in: "", err1: true, err2: true},
	} {
		v, ok, err := parseV1Limit([]byte(tc.in))
		if v != tc.v1 || ok != tc.ok1 || (err != nil) != tc.err1 {
			t.Errorf("parseV1Limit(%q) = %v, %v, %v", tc.in, v, ok, err)
		}
		v, ok, err = parseV2Limit([]byte(tc.in))
		if v != tc.v2 || ok != tc.ok2 || (err != nil) != tc.err2 {
			t.Errorf("parseV2Limit(%q) = %v, %v, %v", tc.in, v, ok, err)
		}
	}
}

func TestParseCPUList(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		err  bool
	}{
		{"0-3", 4, false}, {"0-3,5", 5, false}, {"0", 1, false}, {"0,2,4-7\n", 6, false},
		{"", 0, true}, {"3-1", 0, true}, {"0-4294967295", 0, true}, {"a", 0, true}, {"0-", 0, true},
	} {
		got, err := parseCPUList([]byte(tc.in))
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("parseCPUList(%q) = %d, %v", tc.in, got, err)
		}
	}
}

// Lines longer than the read buffer must neither hide the lines after them
// nor leak their tails as separate lines.
func TestLinesLongerThanBuffer(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("x", bufSize*2+17)
	content := "first\n" + long + "\nlast\n"
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := newFiles(dir).lines("/f", func(l []byte) bool { got = append(got, string(l)); return false }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0] != "first" || got[2] != "last" || !strings.HasPrefix(long, got[1]) {
		t.Errorf("lines = %d lines (%q ... %q)", len(got), got[0], got[len(got)-1])
	}
}

func FuzzParseMountinfoLine(f *testing.F) {
	f.Add([]byte("720 717 0:33 /docker/x /sys/fs/cgroup/cpu,cpuacct ro master:16 - cgroup cgroup rw,cpu,cpuacct"))
	f.Add([]byte(`26 23 0:24 / /sys/fs/cgroup\040x rw - cgroup2 cgroup2 rw`))
	f.Add([]byte("- - -"))
	f.Fuzz(func(t *testing.T, line []byte) {
		m, ok, err := parseMountinfoLine(line)
		if ok && (err != nil || !strings.HasPrefix(m.root, "/") || !strings.HasPrefix(m.point, "/")) {
			t.Errorf("accepted %q as %+v, %v", line, m, err)
		}
		if ok {
			dir, _ := groupDir(m, "/a/b")
			if !strings.HasPrefix(dir, m.point) && dir != "/" {
				t.Errorf("group dir %q escapes mount point %q", dir, m.point)
			}
		}
	})
}

func FuzzParseCgroupLine(f *testing.F) {
	f.Add([]byte("4:memory:/docker/abc"))
	f.Add([]byte("0::/"))
	f.Add([]byte("2:cpu,cpuacct:/a:b"))
	f.Fuzz(func(t *testing.T, line []byte) {
		_, _, p, err := parseCgroupLine(line)
		if err == nil && p[0] != '/' {
			t.Errorf("accepted relative path %q", p)
		}
		if err == nil {
			if dir, ok := groupDir(mount{root: "/", point: "/sys/fs/cgroup"}, string(p)); ok && !strings.HasPrefix(dir, "/sys/fs/cgroup") {
				t.Errorf("path %q translated outside the mount: %q", p, dir)
			}
		}
	})
}

func FuzzParseCPUMax(f *testing.F) {
	f.Add([]byte("max 100000"))
	f.Add([]byte("150000 100000\n"))
	f.Add([]byte("1 0"))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, ok, err := parseCPUMax(b)
		if ok && (err != nil || v <= 0 || math.IsInf(v, 0) || math.IsNaN(v)) {
			t.Errorf("parseCPUMax(%q) = %v, %v, %v", b, v, ok, err)
		}
		if n, err := parseCPUList(b); err == nil && (n <= 0 || n > maxCPUs) {
			t.Errorf("parseCPUList(%q) = %d", b, n)
		}
	})
}

func FuzzParseLimit(f *testing.F) {
	f.Add([]byte("9223372036854771712"))
	f.Add([]byte("max"))
	f.Add([]byte("-1"))
	f.Add([]byte("99999999999999999999"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if v, ok, err := parseV1Limit(b); ok && (err != nil || v >= unlimitedV1) {
			t.Errorf("parseV1Limit(%q) = %d, %v, %v", b, v, ok, err)
		}
		if _, ok, err := parseV2Limit(b); ok && err != nil {
			t.Errorf("parseV2Limit(%q) ok with error %v", b, err)
		}
	})
}

// Small read chunks must yield the same lines as whole-buffer reads.
func TestLinesChunked(t *testing.T) {
	dir := t.TempDir()
	content := "22 27 0:21 / /proc rw - proc proc rw\n\nshort\n" + strings.Repeat("y", 3000) + "\nno newline at end"
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	want := strings.Split(content, "\n")
	for _, chunk := range []int{1, 7, 1024, bufSize} {
		var got []string
		err := newFiles(dir).linesChunked("/f", chunk, func(l []byte) bool { got = append(got, string(l)); return false })
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, "\n") != content {
			t.Errorf("chunk %d: %d lines, want %d", chunk, len(got), len(want))
		}
	}
}
