package main

import (
	"bufio"
	"bytes"
	"encoding/pem"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jenkins-launcher/launcher/internal/testutil"
)

// buildBinaries builds the launcher, the floor program, and the launcher
// again with benchExecFirst set, as `make build` builds the product, once
// per benchmark run.
func buildBinaries(b *testing.B) (launcher, floor, execFirst string) {
	b.Helper()
	bins := testutil.BuildStatic(b, b.TempDir(), ".", "./internal/floor")
	first := testutil.BuildStaticLinked(b, b.TempDir(), "-X main.benchExecFirst=1", ".")
	return bins[0], bins[1], first[0]
}

// checkExecFirst makes sure that the benchExecFirst build replaces itself
// with its arguments: `first /bin/true` would succeed as the launcher's
// single-command mode too, and measure the wrong thing. (An earlier
// version ran `first /bin/true x` instead, which fails in agent mode, but
// GNU true loads the locale when given an argument, and that made the
// binary's size look 0.45-0.55 ms dearer than it is.)
func checkExecFirst(b *testing.B, first string) {
	b.Helper()
	out, err := exec.Command(first, "/bin/echo", "exec-first").CombinedOutput()
	if err != nil || string(out) != "exec-first\n" {
		b.Fatalf("%s did not replace itself with its arguments (-X main.benchExecFirst not set?): %v\n%s", first, err, out)
	}
}

// timeRuns runs each command n times, interleaved so that machine noise
// hits all of them alike, in a new random order each round (what ran just
// before a run affects it), and returns every wall time, round by round.
func timeRuns(b *testing.B, n int, cmds map[string]*exec.Cmd) map[string][]time.Duration {
	b.Helper()
	samples := map[string][]time.Duration{}
	names := make([]string, 0, len(cmds))
	for k := range cmds {
		names = append(names, k)
	}
	slices.Sort(names)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < n; i++ {
		rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
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
	return samples
}

func us(d time.Duration) float64 { return float64(d.Microseconds()) }

func unsharePID1(args ...string) []string {
	return append([]string{"unshare", "--pid", "--fork", "--mount-proc"}, args...)
}

// BenchmarkStartOverhead compares `launcher exec -- /bin/true` with the
// floor program (same packages linked, only exec), as PID 1 and not. The
// *-over-floor-us metrics are the measure. The floor's linker drops
// the code that only the launcher's main reaches, so part of that is the
// cost of a bigger binary's initialisation, not of the launcher's work:
// size-over-floor-us is the launcher binary replacing itself before any
// work (benchExecFirst), and *-own-us the launcher against that. Binaries
// are timed as an image layer's extraction writes them (testutil.GoBuild)
// and, in the *-readback-us metrics, as read back from disk once their
// pages were dropped: the floor starts 0.4-0.7 ms slower so here.
//
// A supervisor cannot replace itself, so the supervising launcher (as PID 1,
// and with LAUNCHER_SUBREAPER=true) is also compared with the floor that
// forks and waits (*-over-fork-floor-us), and pid1-tini-over-true-us shows
// what supervising costs tini, a C init, for scale.
func BenchmarkStartOverhead(b *testing.B) {
	launcher, floor, first := buildBinaries(b)
	checkExecFirst(b, first)
	env := os.Environ()
	mk := func(argv ...string) *exec.Cmd {
		c := exec.Command(argv[0], argv[1:]...)
		c.Env = env
		return c
	}
	mkEnv := func(extra []string, argv ...string) *exec.Cmd {
		c := mk(argv...)
		c.Env = append(append([]string{}, env...), extra...)
		return c
	}
	cmds := map[string]*exec.Cmd{
		"true":  mk("/bin/true"),
		"floor": mk(floor, "/bin/true"),
		// /bin/true alone, as the others run it: given any argument it
		// loads the locale, 0.45-0.55 ms more (see checkExecFirst).
		"first":    mk(first, "/bin/true"),
		"launcher": mk(launcher, "exec", "--", "/bin/true"),
		// Supervising, not as PID 1, against the floor that forks and
		// waits (see the floor program).
		"fork-floor":          mk(floor, "-fork", "/bin/true"),
		"launcher-supervised": mkEnv([]string{"LAUNCHER_SUBREAPER=true"}, launcher, "exec", "--", "/bin/true"),
	}
	// The same two binaries read back from disk (see testutil.ReadBack).
	floorRB, launcherRB := testutil.ReadBack(b, floor), testutil.ReadBack(b, launcher)
	cmds["floor-readback"] = mk(floorRB, "/bin/true")
	cmds["launcher-readback"] = mk(launcherRB, "exec", "--", "/bin/true")
	pid1 := os.Geteuid() == 0
	if pid1 {
		cmds["pid1-floor"] = mk(unsharePID1(floor, "/bin/true")...)
		cmds["pid1-first"] = mk(unsharePID1(first, "/bin/true")...)
		cmds["pid1-launcher"] = mk(unsharePID1(launcher, "exec", "--", "/bin/true")...)
		cmds["pid1-floor-readback"] = mk(unsharePID1(floorRB, "/bin/true")...)
		cmds["pid1-launcher-readback"] = mk(unsharePID1(launcherRB, "exec", "--", "/bin/true")...)
		cmds["pid1-fork-floor"] = mk(unsharePID1(floor, "-fork", "/bin/true")...)
		// What supervising costs a C init over exec: tini as PID 1
		// against /bin/true as PID 1.
		if tini, err := exec.LookPath("tini"); err == nil {
			cmds["pid1-true"] = mk(unsharePID1("/bin/true")...)
			cmds["pid1-tini"] = mk(unsharePID1(tini, "-s", "--", "/bin/true")...)
		}
	}
	n := 500
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := timeRuns(b, n, cmds)
		b.ReportMetric(us(testutil.Quantile(t["true"], 0.5)), "true-us")
		b.ReportMetric(us(testutil.PairedMedian(t["floor"], t["true"])), "floor-over-true-us")
		b.ReportMetric(us(testutil.PairedMedian(t["first"], t["floor"])), "size-over-floor-us")
		b.ReportMetric(us(testutil.PairedMedian(t["launcher"], t["floor"])), "exec-over-floor-us")
		b.ReportMetric(us(testutil.PairedMedian(t["launcher"], t["first"])), "exec-own-us")
		b.ReportMetric(us(testutil.PairedMedian(t["launcher-readback"], t["floor-readback"])), "exec-over-floor-readback-us")
		b.ReportMetric(us(testutil.PairedMedian(t["floor-readback"], t["floor"])), "floor-readback-over-written-us")
		if pid1 {
			b.ReportMetric(us(testutil.PairedMedian(t["pid1-launcher"], t["pid1-floor"])), "pid1-over-floor-us")
			b.ReportMetric(us(testutil.PairedMedian(t["pid1-launcher"], t["pid1-first"])), "pid1-own-us")
			b.ReportMetric(us(testutil.PairedMedian(t["pid1-launcher-readback"], t["pid1-floor-readback"])), "pid1-over-floor-readback-us")
			b.ReportMetric(us(testutil.PairedMedian(t["pid1-fork-floor"], t["pid1-floor"])), "pid1-fork-floor-over-floor-us")
			b.ReportMetric(us(testutil.PairedMedian(t["pid1-launcher"], t["pid1-fork-floor"])), "pid1-over-fork-floor-us")
			if _, ok := t["pid1-tini"]; ok {
				b.ReportMetric(us(testutil.PairedMedian(t["pid1-tini"], t["pid1-true"])), "pid1-tini-over-true-us")
			}
		}
		b.ReportMetric(us(testutil.PairedMedian(t["launcher-supervised"], t["fork-floor"])), "supervised-over-fork-floor-us")
		meds := map[string]time.Duration{}
		for name, s := range t {
			meds[name] = testutil.Quantile(s, 0.5)
		}
		b.Logf("medians of %d interleaved runs: %v", n, fmt.Sprint(meds))
	}
}

// BenchmarkAgentStart compares agent mode (everything but the controller
// wait and Java) with the stack it replaces: `tini -s -- jenkins-agent`,
// both supervising the same stand-in java. JENKINS_AGENT_SCRIPT must name a
// copy of the official script (it is not part of this repository); tini
// comes from Debian's package. The launcher is timed freshly written and
// read back from disk (see BenchmarkStartOverhead).
func BenchmarkAgentStart(b *testing.B) {
	script := os.Getenv("JENKINS_AGENT_SCRIPT")
	if script == "" {
		b.Skip("set JENKINS_AGENT_SCRIPT to a copy of jenkinsci/docker-agent's jenkins-agent to compare with it")
	}
	tini, err := exec.LookPath("tini")
	if err != nil {
		b.Skip("tini not installed (apt-get install tini)")
	}
	launcher, _, _ := buildBinaries(b)
	trueBin, err := os.ReadFile("/bin/true")
	if err != nil {
		b.Fatal(err)
	}
	jdk := fakeJDK(b, trueBin)
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
	readBack := testutil.ReadBack(b, launcher)
	cmds := map[string]*exec.Cmd{
		"tini+script":                  mk(nil, tini, "-s", "--", script),
		"script":                       mk(nil, script),
		"launcher-supervised":          mk([]string{"LAUNCHER_SUBREAPER=true"}, launcher),
		"launcher-exec":                mk(nil, launcher),
		"launcher-supervised-readback": mk([]string{"LAUNCHER_SUBREAPER=true"}, readBack),
		"launcher-exec-readback":       mk(nil, readBack),
	}
	n := 300
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := timeRuns(b, n, cmds)
		for name, s := range t {
			b.ReportMetric(us(testutil.Quantile(s, 0.5)), name+"-us")
		}
		b.ReportMetric(us(testutil.PairedMedian(t["launcher-exec"], t["tini+script"])), "exec-over-tini-script-us")
		b.ReportMetric(us(testutil.PairedMedian(t["launcher-supervised"], t["tini+script"])), "supervised-over-tini-script-us")
		b.ReportMetric(us(testutil.PairedMedian(t["launcher-exec-readback"], t["tini+script"])), "exec-readback-over-tini-script-us")
		b.ReportMetric(us(testutil.PairedMedian(t["launcher-supervised-readback"], t["tini+script"])), "supervised-readback-over-tini-script-us")
	}
}

// BenchmarkAgentRSS reads VmRSS of a supervising agent-mode launcher once
// the agent runs: after a websocket readiness wait over TLS (a real HTTPS
// server on 127.0.0.1 with its own CA passed as -cert), so HTTP, TLS and the
// system roots were all used during set-up, which must not stay resident for
// the life of the agent; and after the same wait and a download of
// agent.jar. The stand-in java reports on stdout and sleeps.
func BenchmarkAgentRSS(b *testing.B) {
	launcher := testutil.BuildStatic(b, b.TempDir(), ".")[0]
	jarBytes := testutil.Jar(b, testutil.AgentManifest)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/login":
		case "/jnlpJars/agent.jar":
			w.Write(jarBytes)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	work := b.TempDir()
	ca := filepath.Join(work, "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644); err != nil {
		b.Fatal(err)
	}
	jdk := fakeJDK(b, []byte("#!/bin/sh\necho started\nexec sleep 600\n"))
	inImage := filepath.Join(work, "agent.jar")
	if err := os.WriteFile(inImage, jarBytes, 0o644); err != nil {
		b.Fatal(err)
	}
	env := append(os.Environ(),
		"JAVA_HOME="+jdk,
		"JENKINS_URL="+srv.URL+"/",
		"JENKINS_SECRET=0123456789abcdef",
		"JENKINS_AGENT_NAME=bench",
		"JENKINS_WEB_SOCKET=true",
		"JENKINS_AGENT_WORKDIR="+filepath.Join(work, "agent"),
		"HOME="+work,
		"LAUNCHER_CACHE_DIR="+filepath.Join(work, "cache"),
		"LAUNCHER_CONNECT_TIMEOUT=10s",
		"LAUNCHER_SUBREAPER=true",
		"LAUNCHER_LOG_LEVEL=warn",
	)
	for _, tc := range []struct{ name, jar string }{
		{"wait", inImage},
		{"wait+download", filepath.Join(work, "missing.jar")},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var total, most, n int
			for b.Loop() {
				kib, err := agentRSS(launcher, append(env, "JENKINS_AGENT_FILE="+tc.jar), 300*time.Millisecond, "-cert", "@"+ca)
				if err != nil {
					b.Fatal(err)
				}
				total += kib
				most = max(most, kib)
				n++
			}
			b.ReportMetric(float64(total)/float64(n), "KiB-VmRSS")
			b.ReportMetric(float64(most), "KiB-VmRSS-max")
		})
	}
	// Later in the agent's life: after the time the runtime would force
	// its first collection (two minutes), which read stack maps and code
	// back in (4.8-5.0 MiB before the supervisor turned timed collections
	// off). Three launchers at once, to keep the wait to one.
	b.Run("wait-130s", func(b *testing.B) {
		for b.Loop() {
			const launchers = 3
			kibs, errs := make([]int, launchers), make([]error, launchers)
			var wg sync.WaitGroup
			for i := range launchers {
				wg.Go(func() {
					kibs[i], errs[i] = agentRSS(launcher, append(env, "JENKINS_AGENT_FILE="+inImage), 130*time.Second, "-cert", "@"+ca)
				})
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				b.Fatal(err)
			}
			total := 0
			for _, kib := range kibs {
				total += kib
			}
			b.ReportMetric(float64(total)/launchers, "KiB-VmRSS")
			b.ReportMetric(float64(slices.Max(kibs)), "KiB-VmRSS-max")
		}
	})
}

// agentRSS runs the launcher until its stand-in java reports, reads its
// VmRSS at age after, as an idle agent's supervisor is (after the delayed
// shrink, 50 ms after the start), and stops it with SIGTERM.
func agentRSS(launcher string, env []string, after time.Duration, args ...string) (int, error) {
	cmd := exec.Command(launcher, args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "started\n" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return 0, fmt.Errorf("stand-in java did not start: %q, %v\n%s", line, err, stderr.String())
	}
	time.Sleep(after)
	kib, kerr := testutil.ReadStatusField(cmd.Process.Pid, "VmRSS")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return 0, err
	}
	if err := cmd.Wait(); cmd.ProcessState.ExitCode() != 143 {
		return 0, fmt.Errorf("launcher ended with %v, want exit 143 (SIGTERM forwarded to java)\n%s", err, stderr.String())
	}
	return kib, kerr
}
