package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/jenkins-launcher/launcher/internal/testutil"
)

// buildBinaries builds the launcher and the floor program as `make build`
// builds the product, once per benchmark run.
func buildBinaries(b *testing.B) (launcher, floor string) {
	b.Helper()
	bins := testutil.BuildStatic(b, b.TempDir(), ".", "./internal/floor")
	return bins[0], bins[1]
}

// timeRuns runs each command n times, interleaved so that machine noise
// hits all of them alike, and returns the median wall time of each.
func timeRuns(b *testing.B, n int, cmds map[string]*exec.Cmd) map[string]time.Duration {
	b.Helper()
	samples := map[string][]time.Duration{}
	names := make([]string, 0, len(cmds))
	for k := range cmds {
		names = append(names, k)
	}
	slices.Sort(names)
	for i := 0; i < n; i++ {
		for _, name := range names {
			proto := cmds[name]
			c := exec.Command(proto.Path, proto.Args[1:]...)
			c.Env = proto.Env
			start := time.Now()
			if out, err := c.CombinedOutput(); err != nil {
				b.Fatalf("%s: %v\n%s", name, err, out)
			}
			samples[name] = append(samples[name], time.Since(start))
		}
	}
	med := map[string]time.Duration{}
	for name, s := range samples {
		slices.Sort(s)
		med[name] = s[len(s)/2]
	}
	return med
}

func unsharePID1(args ...string) []string {
	return append([]string{"unshare", "--pid", "--fork", "--mount-proc"}, args...)
}

// BenchmarkStartOverhead compares `launcher exec -- /bin/true` with the
// floor program (same packages linked, only exec), as PID 1 and not. The
// reported *-over-floor-us metrics are the launcher's own work.
func BenchmarkStartOverhead(b *testing.B) {
	launcher, floor := buildBinaries(b)
	env := os.Environ()
	mk := func(argv ...string) *exec.Cmd {
		c := exec.Command(argv[0], argv[1:]...)
		c.Env = env
		return c
	}
	cmds := map[string]*exec.Cmd{
		"true":     mk("/bin/true"),
		"floor":    mk(floor, "/bin/true"),
		"launcher": mk(launcher, "exec", "--", "/bin/true"),
	}
	pid1 := os.Geteuid() == 0
	if pid1 {
		cmds["pid1-floor"] = mk(unsharePID1(floor, "/bin/true")...)
		cmds["pid1-launcher"] = mk(unsharePID1(launcher, "exec", "--", "/bin/true")...)
	}
	n := 300
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		med := timeRuns(b, n, cmds)
		us := func(d time.Duration) float64 { return float64(d.Microseconds()) }
		b.ReportMetric(us(med["true"]), "true-us")
		b.ReportMetric(us(med["floor"]-med["true"]), "floor-over-true-us")
		b.ReportMetric(us(med["launcher"]-med["floor"]), "exec-over-floor-us")
		if pid1 {
			b.ReportMetric(us(med["pid1-launcher"]-med["pid1-floor"]), "pid1-over-floor-us")
		}
		b.Logf("medians of %d interleaved runs: %v", n, fmt.Sprint(med))
	}
}

// fakeJDK makes a Java home whose bin/java is a copy of /bin/true and whose
// release file names a version, so that agent mode runs everything but the
// JVM itself.
func fakeJDK(b *testing.B) string {
	b.Helper()
	home := filepath.Join(b.TempDir(), "jdk")
	if err := os.MkdirAll(filepath.Join(home, "bin"), 0o755); err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile("/bin/true")
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "bin", "java"), data, 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "release"), []byte("JAVA_VERSION=\"17.0.15\"\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	return home
}

// BenchmarkAgentStart compares agent mode (everything but the controller
// wait and Java) with the stack it replaces: `tini -s -- jenkins-agent`,
// both supervising the same stand-in java. JENKINS_AGENT_SCRIPT must name a
// copy of the official script (it is not part of this repository); tini
// comes from Debian's package.
func BenchmarkAgentStart(b *testing.B) {
	script := os.Getenv("JENKINS_AGENT_SCRIPT")
	if script == "" {
		b.Skip("set JENKINS_AGENT_SCRIPT to a copy of jenkinsci/docker-agent's jenkins-agent to compare with it")
	}
	tini, err := exec.LookPath("tini")
	if err != nil {
		b.Skip("tini not installed (apt-get install tini)")
	}
	launcher, _ := buildBinaries(b)
	jdk := fakeJDK(b)
	work := b.TempDir()
	jar := filepath.Join(work, "agent.jar")
	if err := os.WriteFile(jar, []byte("PK"), 0o644); err != nil {
		b.Fatal(err)
	}
	env := append(os.Environ(),
		"JAVA_HOME="+jdk,
		"JENKINS_URL=http://127.0.0.1:9/",
		"JENKINS_SECRET=0123456789abcdef",
		"JENKINS_AGENT_NAME=bench",
		"JENKINS_AGENT_WORKDIR="+filepath.Join(work, "agent"),
		"JENKINS_AGENT_FILE="+jar,
		"REMOTING_OPTS=-noReconnectAfter 1d",
		"HOME="+work,
		"LAUNCHER_CONNECT_TIMEOUT=0",
		"LAUNCHER_MEMORY_LIMIT=1Gi",
		"LAUNCHER_LOG_LEVEL=warn",
	)
	mk := func(extra []string, argv ...string) *exec.Cmd {
		c := exec.Command(argv[0], argv[1:]...)
		c.Env = append(append([]string{}, env...), extra...)
		return c
	}
	cmds := map[string]*exec.Cmd{
		"tini+script":         mk(nil, tini, "-s", "--", script),
		"script":              mk(nil, script),
		"launcher-supervised": mk([]string{"LAUNCHER_SUBREAPER=true"}, launcher),
		"launcher-exec":       mk(nil, launcher),
	}
	n := 200
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		med := timeRuns(b, n, cmds)
		for name, d := range med {
			b.ReportMetric(float64(d.Microseconds()), name+"-us")
		}
	}
}
