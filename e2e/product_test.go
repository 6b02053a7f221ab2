//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jenkins-launcher/launcher/internal/testutil"
)

// The product images, built from the repository's Dockerfile by
// e2e/image.sh (`make image`) with this tag.
const (
	productTag      = "e2e"
	productAgent    = "localhost/launcher-agent:" + productTag
	productLauncher = "localhost/launcher:" + productTag
)

// productImages builds the Dockerfile's scratch and agent images once per run.
func (s *suite) productImages(t *testing.T) {
	t.Helper()
	s.productOnce.Do(func() {
		cmd := exec.Command("bash", "e2e/image.sh")
		cmd.Dir = s.repo
		cmd.Env = append(os.Environ(), "TAG="+productTag, "JRE=jre17")
		if out, err := cmd.CombinedOutput(); err != nil {
			s.productErr = fmt.Errorf("bash e2e/image.sh: %w\n%s", err, out)
		}
	})
	if s.productErr != nil {
		t.Fatal(s.productErr)
	}
}

// The image users get (Dockerfile, no agent.jar baked in, so it is
// downloaded from the controller), as the Kubernetes and ECS plugins and
// `docker run -u` start it.
func TestProductImage(t *testing.T) {
	tests := []struct {
		name    string
		form    string
		podman  []string
		workDir string // the -workDir the agent must get; "" = any
	}{
		{name: "kubernetes-m512m", form: kubernetesForm, podman: []string{"-m", "512m"}},
		{name: "ecs-m1g-cpus1.5", form: ecsForm, podman: []string{"-m", "1g", "--cpus", "1.5"}},
		{name: "kubernetes-uid-1000100000-gid-0", form: kubernetesForm, podman: []string{"-u", "1000100000:0"}},
		// As Kubernetes starts an arbitrary UID: no passwd entry added.
		{name: "kubernetes-uid-1000100000-gid-0-no-entry", form: kubernetesForm, podman: []string{"-u", "1000100000:0", "--passwd=false"}},
		{name: "kubernetes-uid-65534", form: kubernetesForm, podman: []string{"-u", "65534"}},
		// The image's VOLUME keeps the work directory writable.
		{name: "ecs-read-only", form: ecsForm, podman: []string{"--read-only", "--tmpfs", "/tmp"}, workDir: "/home/jenkins/agent"},
	}
	s := need(t)
	s.productImages(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, rep, _ := runAgent(t, s, agentRun{tag: productAgent, form: tt.form, podman: tt.podman})
			if p.Agent.JarSource != "download" {
				t.Errorf("plan jar_source %q, want download: the Dockerfile bakes in no jar by default", p.Agent.JarSource)
			}
			checkAgentBasics(t, rep)
			checkJVMFlags(t, p, rep)
			// remoting works in <workDir>/remoting.
			if tt.workDir != "" && !strings.HasPrefix(rep.WorkDir, tt.workDir+"/") {
				t.Errorf("remoting directory %q, want one in %q", rep.WorkDir, tt.workDir)
			}
		})
	}
}

// What the official image offers besides the agent: the jenkins-slave name
// of its script. And a direct-connection agent (the Kubernetes plugin's
// JENKINS_DIRECT_CONNECTION, no URL) cannot download agent.jar: without
// one baked in, exit 66 saying why.
func TestProductImageDropIn(t *testing.T) {
	s := need(t)
	s.productImages(t)
	slave := runContainer(t, runOpts{image: productAgent, podman: []string{"--entrypoint", "/usr/local/bin/jenkins-slave"}, args: []string{"version"}})
	if slave.code != 0 || !strings.Contains(slave.stdout, "launcher") {
		t.Errorf("jenkins-slave version: %s", slave)
	}
	direct := runContainer(t, runOpts{image: productAgent, env: map[string]string{
		"JENKINS_DIRECT_CONNECTION": "127.0.0.1:9",
		"JENKINS_INSTANCE_IDENTITY": "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA",
		"JENKINS_PROTOCOLS":         "JNLP4-connect",
		"JENKINS_SECRET":            "0123456789abcdef",
		"JENKINS_AGENT_NAME":        "direct",
		"LAUNCHER_CONNECT_TIMEOUT":  "0",
	}})
	if direct.code != 66 || !strings.Contains(direct.stderr, "no controller URL to download it from") {
		t.Errorf("direct mode without agent.jar: want exit 66 naming the missing URL: %s", direct)
	}
}

// Kubernetes agent injection: an init container copies /launcher out of the
// scratch image into a shared volume (`launcher install DIR`), and an
// arbitrary JRE image (here JDK 21, no agent.jar, no jenkins user) runs it
// as its entrypoint under an OpenShift-style UID.
func TestProductInjectedLauncher(t *testing.T) {
	s := need(t)
	s.productImages(t)
	vol := uniqueName(t)
	if out, err := podman(t, "volume", "create", vol); err != nil {
		t.Fatalf("podman volume create: %v\n%s", err, out)
	}
	t.Cleanup(func() { podman(t, "volume", "rm", "-f", vol) })
	install := runContainer(t, runOpts{image: productLauncher, podman: []string{"-v", vol + ":/shared"}, args: []string{"install", "/shared"}})
	if install.code != 0 {
		t.Fatalf("launcher install /shared: %s", install)
	}
	if _, err := podman(t, "image", "exists", "localhost/jre21:local"); err != nil {
		testutil.Unavailable(t, "localhost/jre21:local missing (run e2e/setup-host.sh)")
	}
	mode := runContainer(t, runOpts{image: "localhost/jre21:local", podman: []string{"-v", vol + ":/shared:ro"}, args: []string{"stat", "-c", "%a %U", "/shared/launcher"}})
	if got := strings.TrimSpace(mode.stdout); mode.code != 0 || got != "755 root" {
		t.Errorf("installed launcher: mode and owner %q, want \"755 root\"\n%s", got, mode)
	}
	r := agentRun{
		tag:    "localhost/jre21:local",
		form:   kubernetesForm,
		podman: []string{"-v", vol + ":/shared:ro", "--entrypoint", "/shared/launcher", "-u", "1000100000:0", "-m", "512m"},
	}
	p, _, rep, _ := runAgent(t, s, r)
	if p.Agent.JarSource != "download" {
		t.Errorf("plan jar_source %q, want download", p.Agent.JarSource)
	}
	if javaMajor(rep.JavaVersion) != 21 {
		t.Errorf("agent java.version %q, want 21", rep.JavaVersion)
	}
	checkAgentBasics(t, rep)
	checkJVMFlags(t, p, rep)
}
