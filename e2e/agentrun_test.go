//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jenkins-launcher/launcher/e2e/standin"
)

// How the agent container gets its configuration.
const (
	ecsForm        = "ecs"        // command ["-url", URL, SECRET, NAME], no JENKINS_* variables
	kubernetesForm = "kubernetes" // environment only, no arguments
	directForm     = "direct"     // environment only, JENKINS_DIRECT_CONNECTION instead of JENKINS_URL
	// filesForm is kubernetesForm with the values as a Secret or
	// ConfigMap made from files gives them: each ends in a newline.
	filesForm = "kubernetes-files"
)

// agentRun is one agent container scenario.
type agentRun struct {
	image  agentImage
	tag    string // an already built image instead of image
	form   string
	podman []string          // extra `podman run` options (limits, user, ...)
	env    map[string]string // extra environment (build simulation switches)
	args   []string          // extra launcher arguments, before the form's own
}

func (r agentRun) imageTag(t *testing.T, s *suite) string {
	t.Helper()
	if r.tag != "" {
		return r.tag
	}
	return s.agentImage(t, r.image)
}

// agentCtx is the controller side of a scenario.
type agentCtx struct {
	ctrl   *standin.Controller
	url    string
	secret string
	name   string
}

// testLog keeps the stand-in controller's log lines and shows them only if
// the test fails, so a passing run stays readable.
type testLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *testLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// newAgentCtx makes a fresh secret and agent name; the caller starts the
// controller (startController) and sets ctrl and url.
func newAgentCtx() agentCtx {
	b := make([]byte, 12)
	rand.Read(b)
	return agentCtx{secret: "e2e-" + hex.EncodeToString(b), name: "agent-" + hex.EncodeToString(b[:3])}
}

func startController(t *testing.T, s *suite, httpAddr, secret string) *standin.Controller {
	t.Helper()
	log := &testLog{}
	c, err := standin.Start(standin.Config{
		HTTPAddr: httpAddr,
		Secret:   secret,
		AgentJar: s.jar,
		Logger:   slog.New(slog.NewTextHandler(log, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		if t.Failed() {
			t.Logf("stand-in controller log:\n%s", log)
		}
	})
	return c
}

// opts returns the container options for this scenario; with planArgs set,
// the same configuration runs `launcher plan --json` instead.
func (r agentRun) opts(image string, a agentCtx, planArgs bool) runOpts {
	o := runOpts{image: image, podman: append([]string{"--network", "host"}, r.podman...), env: map[string]string{}}
	for k, v := range r.env {
		o.env[k] = v
	}
	if planArgs {
		o.args = []string{"plan", "--json"}
	}
	o.args = append(o.args, r.args...)
	switch r.form {
	case ecsForm:
		o.args = append(o.args, "-url", a.url, a.secret, a.name)
	case kubernetesForm, filesForm:
		nl := map[bool]string{true: "\n"}[r.form == filesForm]
		o.env["JENKINS_URL"] = a.url + nl
		o.env["JENKINS_SECRET"] = a.secret + nl
		o.env["JENKINS_AGENT_NAME"] = a.name + nl
		o.env["JENKINS_NAME"] = a.name + nl
		o.env["JENKINS_AGENT_WORKDIR"] = "/home/jenkins/agent"
		o.env["REMOTING_OPTS"] = strings.TrimSpace("-noReconnectAfter 1d " + o.env["REMOTING_OPTS"])
	case directForm:
		o.env["JENKINS_DIRECT_CONNECTION"] = a.ctrl.AgentAddr()
		o.env["JENKINS_INSTANCE_IDENTITY"] = a.ctrl.InstanceIdentity()
		o.env["JENKINS_PROTOCOLS"] = "JNLP4-connect"
		o.env["JENKINS_SECRET"] = a.secret
		o.env["JENKINS_AGENT_NAME"] = a.name
		o.env["JENKINS_AGENT_WORKDIR"] = "/home/jenkins/agent"
	default:
		panic("unknown form " + r.form)
	}
	return o
}

// planFor runs `launcher plan --json` with the scenario's configuration and
// requires a plan that goes ahead.
func planFor(t *testing.T, s *suite, r agentRun, a agentCtx) plan {
	t.Helper()
	res := runContainer(t, r.opts(r.imageTag(t, s), a, true))
	p := decodePlan(t, res)
	if res.code != 0 || p.ExitCode != 0 {
		t.Fatalf("plan would not go ahead (exit %d, plan exit_code %d, reason %q)\n%s", res.code, p.ExitCode, p.Reason, res)
	}
	return p
}

// startAgent starts the scenario's agent container.
func startAgent(t *testing.T, s *suite, r agentRun, a agentCtx) *container {
	t.Helper()
	return startContainer(t, r.opts(r.imageTag(t, s), a, false))
}

// waitReport waits for the agent's report, failing early if the container
// exits first.
func waitReport(t *testing.T, a agentCtx, ctrl *standin.Controller, c *container) standin.Report {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	go func() {
		select {
		case <-c.exited:
			cancel()
		case <-ctx.Done():
		}
	}()
	rep, err := ctrl.WaitReport(ctx, a.name)
	if err != nil {
		if !c.running() {
			t.Fatalf("container exited %d before the agent reported\n%s", c.code, c.logs())
		}
		t.Fatalf("%v\n%s", err, c.logs())
	}
	return rep
}

// runAgent is the usual scenario: plan, start, wait for the report.
func runAgent(t *testing.T, s *suite, r agentRun) (plan, *container, standin.Report, agentCtx) {
	t.Helper()
	a := newAgentCtx()
	a.ctrl = startController(t, s, "", a.secret)
	a.url = a.ctrl.URL()
	p := planFor(t, s, r, a)
	c := startAgent(t, s, r, a)
	rep := waitReport(t, a, a.ctrl, c)
	return p, c, rep, a
}

// checkAgentBasics holds for every agent the launcher starts: the secret
// reached the controller through an inherited descriptor and nowhere else,
// HOME is writable and is the JVM's user.home, remoting's work or cache
// directory is writable.
func checkAgentBasics(t *testing.T, rep standin.Report) {
	t.Helper()
	if !rep.SecretOK {
		t.Errorf("agent presented the wrong secret (secret_arg %q)", rep.SecretArg)
	}
	if !strings.HasPrefix(rep.SecretArg, "@/proc/self/fd/") {
		t.Errorf("secret passed as %q, want -secret @/proc/self/fd/N; argv %q", rep.SecretArg, rep.Argv)
	}
	if rep.SecretInEnv || rep.HasEnv("JENKINS_SECRET") {
		t.Errorf("secret in the agent's environment (JENKINS_SECRET present: %v)", rep.HasEnv("JENKINS_SECRET"))
	}
	if rep.Home == "" || rep.UserHome != rep.Home {
		t.Errorf("user.home %q, HOME %q: want equal and set", rep.UserHome, rep.Home)
	}
	if !rep.HomeWritable {
		t.Errorf("HOME %q not writable for uid %d", rep.Home, rep.UID)
	}
	if !rep.WorkDirWritable {
		t.Errorf("remoting directory %q not writable for uid %d", rep.WorkDir, rep.UID)
	}
}

// checkJVMFlags: the agent JVM got every flag the plan computed, and under
// a memory limit the heap it reports is the planned one (Runtime.maxMemory leaves out one
// survivor space, so it is a little below -Xmx).
func checkJVMFlags(t *testing.T, p plan, rep standin.Report) {
	t.Helper()
	for _, f := range p.JVM.Flags {
		if !slices.Contains(rep.JVMArgs, f) {
			t.Errorf("planned JVM flag %q missing from the agent's input arguments %q", f, rep.JVMArgs)
		}
	}
	if p.JVM.HeapBytes <= 0 {
		if p.memory() > 0 {
			t.Errorf("memory limit %d but the plan sizes no heap: jvm %+v", p.memory(), p.JVM)
		}
		return // no limit: the JVM sizes its own heap
	}
	if rep.MaxHeapBytes > p.JVM.HeapBytes || rep.MaxHeapBytes < p.JVM.HeapBytes*8/10 {
		t.Errorf("agent max heap %d, planned heap %d", rep.MaxHeapBytes, p.JVM.HeapBytes)
	}
	if mem := p.memory(); mem > 0 && p.JVM.HeapBytes >= mem {
		t.Errorf("planned heap %d not below the memory limit %d", p.JVM.HeapBytes, mem)
	}
}
