//go:build e2e

package e2e

import (
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
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

// Values from a Secret or ConfigMap made from files end in a newline; the
// official script's word splitting dropped it, and so does the launcher:
// the controller gets the secret and name it expects.
func TestAgentValuesFromFiles(t *testing.T) {
	s := need(t)
	_, c, rep, a := runAgent(t, s, agentRun{image: jre17, form: filesForm})
	checkAgentBasics(t, rep)
	if rep.Name != a.name {
		t.Errorf("agent name %q, want %q", rep.Name, a.name)
	}
	for _, v := range []string{"JENKINS_URL", "JENKINS_SECRET", "JENKINS_AGENT_NAME"} {
		if !strings.Contains(c.stderr(), v+" starts or ends with blanks") {
			t.Errorf("no warning names %s", v)
		}
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

// No agent.jar in the image: the launcher downloads it from the controller.
func TestAgentJarDownloaded(t *testing.T) {
	s := need(t)
	p, _, rep, _ := runAgent(t, s, agentRun{image: agentImage{base: "jre17", noJar: true}, form: kubernetesForm})
	if p.Agent.JarSource != "download" {
		t.Errorf("plan jar_source %q, want download (jar %q)", p.Agent.JarSource, p.Agent.Jar)
	}
	checkAgentBasics(t, rep)
}

// The launcher's own exit codes when the agent cannot start, each with a
// log line that names the cause.
func TestAgentExitCodes(t *testing.T) {
	tests := []struct {
		name       string
		image      agentImage
		controller bool              // start the stand-in controller
		env        map[string]string // on top of the Kubernetes form
		podman     []string
		bare       bool // no configuration at all
		code       int
		log        string // regexp the launcher's log must match
	}{
		// No configuration at all would be remoting's stdin/stdout
		// mode, but stdin is /dev/null: nothing could talk to it.
		{name: "no-configuration", image: jre17, bare: true, code: 64, log: `no controller URL: set JENKINS_URL.*stdin is not a pipe or socket`},
		{name: "controller-unreachable", image: jre17, env: map[string]string{"LAUNCHER_CONNECT_TIMEOUT": "3s"}, code: 69, log: `refused`},
		{name: "jar-missing-download-never", image: agentImage{base: "jre17", noJar: true}, controller: true,
			env: map[string]string{"LAUNCHER_AGENT_DOWNLOAD": "never"}, code: 66, log: `agent\.jar`},
		{name: "memory-too-small", image: jre17, controller: true, podman: []string{"-m", "64m"}, code: 78, log: `too small`},
	}
	s := need(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAgentCtx()
			if tt.controller {
				a.ctrl = startController(t, s, "", a.secret)
				a.url = a.ctrl.URL()
			} else {
				a.url = "http://127.0.0.1:" + strconv.Itoa(freePort(t)) + "/"
			}
			o := agentRun{image: tt.image, form: kubernetesForm, env: tt.env, podman: tt.podman}.opts(s.agentImage(t, tt.image), a, false)
			if tt.bare {
				o = runOpts{image: s.agentImage(t, tt.image)}
			}
			start := time.Now()
			r := runContainer(t, o)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\n%s", r.code, tt.code, r)
			}
			if !regexp.MustCompile(tt.log).MatchString(r.stderr) {
				t.Errorf("log does not match %q:\n%s", tt.log, r.stderr)
			}
			if strings.Contains(r.stdout+r.stderr, a.secret) {
				t.Errorf("secret in the output")
			}
			if tt.bare && r.stdout != "" {
				t.Errorf("stdout, the stdin/stdout agent's channel, holds %q", r.stdout)
			}
			t.Logf("exit %d after %v", r.code, time.Since(start).Round(100*time.Millisecond))
		})
	}
}
