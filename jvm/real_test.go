package jvm

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jenkins-launcher/launcher/config"
	"github.com/jenkins-launcher/launcher/internal/testutil"
)

// realJVM runs one real java with the given arguments: on the host, or in a
// local podman image when image is set.
type realJVM struct {
	name, path, image string
}

func (j realJVM) run(ctx context.Context, args ...string) ([]byte, error) {
	if j.image == "" {
		return exec.CommandContext(ctx, j.path, args...).CombinedOutput()
	}
	cmd := exec.CommandContext(ctx, "podman", append([]string{"run", "--rm", "--network", "none", j.image, "java"}, args...)...)
	cmd.Env = os.Environ()
	if os.Getenv("CONTAINERS_CONF") == "" {
		if _, err := os.Stat("/etc/launcher-tests/containers.conf"); err == nil {
			cmd.Env = append(cmd.Env, "CONTAINERS_CONF=/etc/launcher-tests/containers.conf")
		}
	}
	return cmd.CombinedOutput()
}

func realJVMs(t *testing.T) []realJVM {
	var jvms []realJVM
	for _, p := range []string{"/usr/bin/java", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"} {
		if st, err := os.Stat(p); err == nil && st.Mode()&0o111 != 0 {
			jvms = append(jvms, realJVM{name: "host " + p, path: p})
		}
	}
	var images []string
	if _, err := exec.LookPath("podman"); err != nil || os.Geteuid() != 0 {
		testutil.Unavailable(t, "podman as root is needed for the JDK 11 and 21 images")
		return jvms
	}
	// JDK 17 is the host's own java; the images add 11 and 21.
	for _, img := range []string{"localhost/jre11:local", "localhost/jre21:local"} {
		if exec.Command("podman", "image", "exists", img).Run() == nil {
			images = append(images, img)
			jvms = append(jvms, realJVM{name: img, image: img})
		}
	}
	if len(images) < 2 {
		testutil.Unavailable(t, "images localhost/jre{11,21}:local missing (run e2e/setup-host.sh); found "+strings.Join(images, ", "))
	}
	return jvms
}

// TestRealJVMFlags starts each available JVM with planned flags and checks
// that it accepts every flag and reports the planned maximum heap.
func TestRealJVMFlags(t *testing.T) {
	for _, j := range realJVMs(t) {
		t.Run(j.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			out, err := j.run(ctx, "-version")
			if err != nil {
				t.Fatalf("java -version: %v\n%s", err, out)
			}
			v, err := versionOutput(string(out))
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				name    string
				limit   uint64
				percent float64
				opts    []string
			}{
				{name: "agent-256MiB", limit: 256 * mib, percent: 50},
				{name: "exec-1GiB", limit: gib, percent: 100},
				{name: "exec-6GiB", limit: 6 * gib, percent: 100},
				{name: "exec-1GiB-user-percentage", limit: gib, percent: 100, opts: []string{"-XX:MaxRAMPercentage=50.0"}},
				// G1, whose regions (2, 4, 8 MiB here) align the heap.
				{name: "exec-4GiB", limit: 4 * gib, percent: 100},
				{name: "exec-9GiB", limit: 9 * gib, percent: 100},
				{name: "exec-17GiB", limit: 17 * gib, percent: 100},
				// Capped below 32 GiB: compressed oops stay on.
				{name: "exec-64GiB", limit: 64 * gib, percent: 100},
				{name: "exec-1GiB-user-xms", limit: gib, percent: 100, opts: []string{"-Xms901m"}},
				{name: "exec-1GiB-user-percentage-and-fraction", limit: gib, percent: 100, opts: []string{"-XX:MaxRAMFraction=4", "-XX:MaxRAMPercentage=90.0"}},
				{name: "exec-200MiB-user-percentage", limit: 200 * mib, percent: 100, opts: []string{"-XX:MaxRAMPercentage=75.0"}},
				{name: "exec-1GiB-user-small-percentage", limit: gib, percent: 100, opts: []string{"-XX:MaxRAMPercentage=10.0"}},
				{name: "exec-1GiB-user-max-ram", limit: gib, percent: 100, opts: []string{"-XX:MaxRAM=200m"}},
			} {
				t.Run(c.name, func(t *testing.T) {
					if slices.ContainsFunc(c.opts, func(o string) bool { return strings.HasPrefix(o, "-XX:MaxRAMFraction") }) && v.Feature > 21 {
						t.Skip("MaxRAMFraction is gone after JDK 21") // not a missing dependency: the flag does not exist
					}
					in := baseInput()
					in.Version, in.MemoryBytes, in.DefaultPercent = v, u64(c.limit), c.percent
					in.CPUsFromCgroup = false // force -XX:ActiveProcessorCount
					in.UserOptions, in.Home = c.opts, "/tmp"
					p, err := PlanMemory(in)
					if err != nil {
						t.Fatal(err)
					}
					args := append(append(append([]string{}, p.Flags...), c.opts...), "-XX:+PrintFlagsFinal", "-version")
					out, err := j.run(ctx, args...)
					if err != nil {
						t.Fatalf("java %q: %v\n%s", args, err, tail(out))
					}
					flags := finalFlags(string(out))
					heap, _ := strconv.ParseUint(flags["MaxHeapSize"], 10, 64)
					// The plan predicts the JVM's own alignment of the
					// heap (see heapAlignment): what runs is what it shows.
					if heap != *p.HeapBytes {
						t.Errorf("MaxHeapSize %s, planned %s (flags %q)", config.HumanSize(heap), config.HumanSize(*p.HeapBytes), p.Flags)
					}
					want := map[string]string{"Use" + p.GC + "GC": "true", "ExitOnOutOfMemoryError": "true", "ActiveProcessorCount": "2", "UseCompressedOops": "true"}
					for _, r := range p.Regions {
						if r.Flag != "" {
							name := strings.TrimSuffix(strings.TrimPrefix(r.Flag, "-XX:"), "=")
							want[name] = strconv.FormatUint(r.Bytes, 10)
						}
					}
					for k, w := range want {
						if flags[k] != w {
							t.Errorf("%s = %q, want %q", k, flags[k], w)
						}
					}
				})
			}
		})
	}
}

// finalFlags reads -XX:+PrintFlagsFinal: "  type name = value {kind} ...".
func finalFlags(out string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 4 && f[2] == "=" {
			m[f[1]] = f[3]
		}
	}
	return m
}

func tail(b []byte) string {
	s := string(b)
	if len(s) > 2000 {
		s = "..." + s[len(s)-2000:]
	}
	return s
}
