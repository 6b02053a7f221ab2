//go:build e2e

package e2e

import (
	"math"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

var jre17 = agentImage{base: "jre17"}

// The Amazon ECS plugin's form: ["-url", URL, SECRET, NAME], no -workDir, so
// remoting's jar cache lives under HOME.
func TestAgentECSCommandForm(t *testing.T) {
	s := need(t)
	p, _, rep, a := runAgent(t, s, agentRun{image: jre17, form: ecsForm})
	checkAgentBasics(t, rep)
	checkJVMFlags(t, p, rep)
	if p.Mode != "agent" {
		t.Errorf("plan mode %q, want agent", p.Mode)
	}
	if rep.Name != a.name || len(rep.URLs) == 0 || rep.URLs[0] != a.url {
		t.Errorf("agent name %q urls %q, want %q %q", rep.Name, rep.URLs, a.name, a.url)
	}
	if rep.UID != 1000 || rep.UserName != "jenkins" {
		t.Errorf("agent runs as uid %d user %q, want the image's 1000 jenkins", rep.UID, rep.UserName)
	}
	if !strings.HasPrefix(rep.WorkDir, rep.Home+"/") {
		t.Errorf("jar cache %q not under HOME %q", rep.WorkDir, rep.Home)
	}
}

// The Kubernetes plugin's form: environment only, no arguments.
func TestAgentKubernetesEnvForm(t *testing.T) {
	s := need(t)
	p, _, rep, _ := runAgent(t, s, agentRun{image: jre17, form: kubernetesForm})
	checkAgentBasics(t, rep)
	checkJVMFlags(t, p, rep)
	if v, _ := rep.ArgAfter("-workDir"); v != "/home/jenkins/agent" {
		t.Errorf("-workDir %q, want /home/jenkins/agent; argv %q", v, rep.Argv)
	}
	if v, _ := rep.ArgAfter("-noReconnectAfter"); v != "1d" {
		t.Errorf("REMOTING_OPTS not passed: -noReconnectAfter %q; argv %q", v, rep.Argv)
	}
	if v, _ := rep.ArgAfter("-name"); v != rep.Name {
		t.Errorf("-name %q, report name %q", v, rep.Name)
	}
	if rep.WorkDir != "/home/jenkins/agent/remoting" {
		t.Errorf("remoting directory %q", rep.WorkDir)
	}
}

// The controller comes up 5 s after the container: the launcher waits for
// it (the stand-in agent itself does not retry) and the agent then connects.
func TestAgentLateController(t *testing.T) {
	s := need(t)
	a := newAgentCtx()
	port := freePort(t)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	a.url = "http://" + addr + "/"
	r := agentRun{image: jre17, form: kubernetesForm}
	c := startAgent(t, s, r, a)
	deadline := time.Now().Add(5 * time.Second)
	time.Sleep(time.Until(deadline)) // the scenario is the delay itself
	if !c.running() {
		t.Fatalf("launcher gave up before the controller started: exit %d\n%s", c.code, c.logs())
	}
	a.ctrl = startController(t, s, addr, a.secret)
	rep := waitReport(t, a, a.ctrl, c)
	checkAgentBasics(t, rep)
	// While it waited, the launcher said why it was not starting yet: a
	// line naming the controller and the refused connection.
	waiting := regexp.MustCompile(`(?m)^.*` + regexp.QuoteMeta(a.url) + `.*refused.*$`)
	if log := c.stderr(); !waiting.MatchString(log) {
		t.Errorf("launcher log does not show it waiting for %s:\n%s", a.url, log)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Memory and CPU limits, seen through the host's cgroup paths and through a
// private cgroup namespace: the plan reports them, the agent starts with
// the planned flags and heap.
func TestAgentLimits(t *testing.T) {
	tests := []struct {
		name   string
		podman []string
		memory int64
		cpus   float64 // -1: no limit
	}{
		{name: "m256", podman: []string{"-m", "256m"}, memory: 256 << 20, cpus: -1},
		{name: "m256-cgroupns-private", podman: []string{"-m", "256m", "--cgroupns=private"}, memory: 256 << 20, cpus: -1},
		{name: "m1g-cpus1.5", podman: []string{"-m", "1g", "--cpus", "1.5"}, memory: 1 << 30, cpus: 1.5},
		{name: "m1g-cpus1.5-cgroupns-private", podman: []string{"-m", "1g", "--cpus", "1.5", "--cgroupns=private"}, memory: 1 << 30, cpus: 1.5},
	}
	s := need(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, rep, _ := runAgent(t, s, agentRun{image: jre17, form: kubernetesForm, podman: tt.podman})
			if p.Limits.Cgroup != "v1" {
				t.Errorf("cgroup %q, want v1", p.Limits.Cgroup)
			}
			if p.memory() != tt.memory {
				t.Errorf("memory limit %d (source %q), want %d", p.memory(), p.Limits.MemorySource, tt.memory)
			}
			if p.cpus() != tt.cpus {
				t.Errorf("cpus %v (source %q), want %v", p.cpus(), p.Limits.CPUsSource, tt.cpus)
			}
			checkAgentBasics(t, rep)
			checkJVMFlags(t, p, rep)
			wantCPUs := 2 // this host's CPUs; the JVM rounds a quota up
			if tt.cpus > 0 {
				wantCPUs = int(math.Ceil(tt.cpus))
			}
			for _, f := range p.JVM.Flags {
				if v, ok := strings.CutPrefix(f, "-XX:ActiveProcessorCount="); ok {
					wantCPUs, _ = strconv.Atoi(v)
				}
			}
			if rep.Processors != wantCPUs {
				t.Errorf("agent sees %d processors, want %d", rep.Processors, wantCPUs)
			}
		})
	}
}

// Arbitrary UIDs: nobody (HOME=/nonexistent) and an OpenShift-style UID in
// group 0 (podman adds a passwd entry with HOME=/).
func TestAgentArbitraryUID(t *testing.T) {
	tests := []struct {
		name string
		user string
		uid  int64
	}{
		{name: "uid-65534", user: "65534", uid: 65534},
		{name: "uid-1000100000-gid-0", user: "1000100000:0", uid: 1000100000},
	}
	s := need(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, rep, _ := runAgent(t, s, agentRun{image: jre17, form: ecsForm, podman: []string{"-u", tt.user}})
			checkAgentBasics(t, rep)
			if rep.UID != tt.uid {
				t.Errorf("agent uid %d, want %d", rep.UID, tt.uid)
			}
			if p.Home.Path != rep.Home {
				t.Errorf("plan home %q, agent HOME %q", p.Home.Path, rep.Home)
			}
			if rep.UserName == "" || rep.UserName == "?" {
				t.Errorf("user.name %q", rep.UserName)
			}
		})
	}
}

// A read-only root with a tmpfs /tmp (common on Fargate): HOME and the jar
// cache must land somewhere writable.
func TestAgentReadOnlyRoot(t *testing.T) {
	s := need(t)
	p, _, rep, _ := runAgent(t, s, agentRun{image: jre17, form: ecsForm, podman: []string{"--read-only", "--tmpfs", "/tmp"}})
	checkAgentBasics(t, rep)
	checkJVMFlags(t, p, rep)
}

// No agent.jar in the image: the launcher downloads it from the controller.
func TestAgentJarDownloaded(t *testing.T) {
	s := need(t)
	p, _, rep, _ := runAgent(t, s, agentRun{image: agentImage{base: "jre17", noJar: true}, form: kubernetesForm})
	if p.Agent.JarSource != "download" {
		t.Errorf("plan jar_source %q, want download (jar %q)", p.Agent.JarSource, p.Agent.Jar)
	}
	checkAgentBasics(t, rep)
}

// podman stop: SIGTERM reaches the agent, the container exits 143 within
// 2 s, and no process of it is left.
func TestAgentStop(t *testing.T) {
	s := need(t)
	_, c, _, _ := runAgent(t, s, agentRun{image: jre17, form: kubernetesForm})
	pids := c.hostPIDs()
	if len(pids) < 2 {
		t.Fatalf("want the launcher and the agent JVM in the container, podman top shows %v", pids)
	}
	start := time.Now()
	if out, err := podman(t, "stop", "-t", "10", c.name); err != nil {
		t.Fatalf("podman stop: %v\n%s", err, out)
	}
	took := time.Since(start)
	code := c.wait(10 * time.Second)
	if code != 143 {
		t.Errorf("exit code %d after podman stop, want 143", code)
	}
	if took > 2*time.Second {
		t.Errorf("podman stop took %v, want under 2 s (SIGTERM did not end the agent)", took)
	}
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); err == nil {
			t.Errorf("host pid %d of the stopped container is still running", pid)
		}
	}
}

// A build that leaves orphans behind: they are re-parented to the launcher
// (PID 1), which must reap them.
func TestAgentOrphansReaped(t *testing.T) {
	s := need(t)
	_, c, rep, _ := runAgent(t, s, agentRun{image: jre17, form: kubernetesForm, env: map[string]string{"LEAK_ORPHANS": "100"}})
	if rep.OrphansLeaked != 100 {
		t.Fatalf("agent leaked %d orphans, want 100", rep.OrphansLeaked)
	}
	// The orphans sleep 0.2 s; no event tells us when they are gone, so
	// poll the process table until no live sleep remains.
	var ps string
	deadline := time.Now().Add(15 * time.Second)
	for {
		ps = c.exec("ps", "-eo", "pid,ppid,stat,comm")
		if !regexp.MustCompile(`(?m)^\s*\d+\s+\d+\s+[^Z\s]\S*\s+sleep$`).MatchString(ps) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if m := regexp.MustCompile(`(?m)^\s*\d+\s+\d+\s+Z.*$`).FindAllString(ps, -1); len(m) > 0 {
		t.Errorf("%d zombies left in the container:\n%s", len(m), ps)
	}
	if regexp.MustCompile(`(?m)\ssleep$`).MatchString(ps) {
		t.Errorf("orphans still there after 15 s:\n%s", ps)
	}
}

// The kernel OOM killer ends the agent: the launcher says so and exits 137.
func TestAgentOOMKilled(t *testing.T) {
	s := need(t)
	_, c, _, _ := runAgent(t, s, agentRun{
		image:  jre17,
		form:   kubernetesForm,
		podman: []string{"-m", "256m", "--memory-swap", "256m"},
		env:    map[string]string{"ALLOCATE": "native"},
	})
	code := c.wait(90 * time.Second)
	if code != 137 {
		t.Errorf("exit code %d, want 137 (SIGKILL by the OOM killer)", code)
	}
	log := c.stderr()
	launcherOOM := regexp.MustCompile(`(?im)^.*level=\w+.*(oom|out of memory).*$`)
	if m := launcherOOM.FindString(log); m != "" {
		t.Logf("launcher: %s", m)
	} else {
		t.Errorf("no OOM message from the launcher in the log:\n%s", log)
	}
}

// The secret is not in any process's arguments (ps) nor in the agent's
// environment. In the ECS form the container's own command line holds it
// (podman puts it there), so PID 1's arguments are exempt there.
func TestAgentSecretHidden(t *testing.T) {
	tests := []struct {
		name      string
		form      string
		allowPID1 bool
	}{
		{name: "kubernetes-env", form: kubernetesForm},
		{name: "ecs-command", form: ecsForm, allowPID1: true},
	}
	s := need(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c, rep, a := runAgent(t, s, agentRun{image: jre17, form: tt.form})
			checkAgentBasics(t, rep)
			ps := c.exec("ps", "-eo", "pid,args")
			for _, line := range strings.Split(ps, "\n") {
				f := strings.Fields(line)
				if len(f) == 0 || !strings.Contains(line, a.secret) {
					continue
				}
				if tt.allowPID1 && f[0] == "1" {
					continue
				}
				t.Errorf("secret visible in ps: pid %s", f[0])
			}
			if n := strings.Count(ps, "\n"); n < 3 {
				t.Fatalf("ps shows too little to trust:\n%s", ps)
			}
		})
	}
}

// JDK 11, 17 and 21 bases: the version-aware flags are accepted by each JVM.
func TestAgentJDKs(t *testing.T) {
	tests := []struct {
		name  string
		major int
	}{
		{name: "jre11", major: 11},
		{name: "jre17", major: 17},
		{name: "jre21", major: 21},
	}
	s := need(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, rep, _ := runAgent(t, s, agentRun{image: agentImage{base: tt.name}, form: kubernetesForm, podman: []string{"-m", "512m"}})
			if got := javaMajor(p.JVM.Version); got != tt.major {
				t.Errorf("plan java version %q, want major %d", p.JVM.Version, tt.major)
			}
			if got := javaMajor(rep.JavaVersion); got != tt.major {
				t.Errorf("agent java.version %q, want major %d", rep.JavaVersion, tt.major)
			}
			checkAgentBasics(t, rep)
			checkJVMFlags(t, p, rep)
			if slices.Contains(rep.JVMArgs, "-XX:+UseCGroupMemoryLimitForHeap") {
				t.Errorf("JDK 8-only flag passed to JDK %d", tt.major)
			}
		})
	}
}

// The Kubernetes plugin's other connection settings: a direct TCP
// connection (no URL, the agent port and the instance identity given), and
// websocket, where a configured tunnel must be dropped (remoting refuses
// -webSocket with -tunnel).
func TestAgentConnectionModes(t *testing.T) {
	tests := []struct {
		name     string
		form     string
		env      map[string]string
		wantArgs []string // options that must be in the agent's argv
		noArgs   []string // options that must not
	}{
		{name: "direct", form: directForm, wantArgs: []string{"-direct", "-instanceIdentity", "-protocols"}, noArgs: []string{"-url"}},
		{name: "websocket-with-tunnel", form: kubernetesForm, env: map[string]string{"JENKINS_WEB_SOCKET": "true", "JENKINS_TUNNEL": "127.0.0.1:1"},
			wantArgs: []string{"-webSocket", "-url"}, noArgs: []string{"-tunnel"}},
	}
	s := need(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, rep, a := runAgent(t, s, agentRun{image: jre17, form: tt.form, env: tt.env})
			checkAgentBasics(t, rep)
			for _, o := range tt.wantArgs {
				if !slices.Contains(rep.Argv, o) {
					t.Errorf("%s missing from argv %q", o, rep.Argv)
				}
			}
			for _, o := range tt.noArgs {
				if slices.Contains(rep.Argv, o) {
					t.Errorf("%s in argv %q", o, rep.Argv)
				}
			}
			if tt.form == directForm {
				if v, _ := rep.ArgAfter("-direct"); v != a.ctrl.AgentAddr() {
					t.Errorf("-direct %q, want %q", v, a.ctrl.AgentAddr())
				}
				if v, _ := rep.ArgAfter("-instanceIdentity"); v != a.ctrl.InstanceIdentity() {
					t.Errorf("-instanceIdentity %q, want the controller's", v)
				}
			}
		})
	}
}
