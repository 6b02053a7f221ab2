//go:build e2e

package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/jenkins-launcher/launcher/e2e/standin"
)

// identityScript prints what a build step would see, one key=value a line.
const identityScript = `
echo "home=$HOME"
echo "uid=$(id -u)"
if touch "$HOME/.e2e-probe" 2>/dev/null; then echo home_writable=yes; else echo home_writable=no; fi
git config --global user.name x 2>&1 | sed 's/^/git_error=/'
echo "git_name=$(git config --global --get user.name)"
echo "id_un=$(id -un 2>/dev/null || echo FAILED)"
echo "whoami=$(whoami 2>/dev/null || echo FAILED)"
`

// Issue 3 inside real containers: whatever UID podman gives, `launcher exec`
// leaves the command a writable HOME that git can use, and a JVM started
// through it has user.home equal to HOME. podman adds a passwd entry for
// an unknown UID (HOME=/); with --passwd=false it does not, as Kubernetes
// (containerd, CRI-O without OpenShift's SCC) does not: the launcher then
// appends one to a group-writable /etc/passwd, or else gives the command
// one through nss_wrapper (installed in the base images).
func TestContainerIdentity(t *testing.T) {
	tests := []struct {
		name   string
		image  agentImage
		user   string
		extra  []string // more podman options
		uid    string
		idName string // expected `id -un`; "" = any name, as long as it resolves
		passwd string // expected plan home.passwd; "" = not checked
	}{
		{name: "uid-65534", image: jre17, user: "65534", uid: "65534", idName: "nobody", passwd: "present"},
		{name: "uid-1000100000-gid-0", image: jre17, user: "1000100000:0", uid: "1000100000", passwd: "present"},
		{name: "uid-1000100000-gid-0-passwd-writable", image: agentImage{base: "jre17", passwdWritable: true}, user: "1000100000:0", uid: "1000100000", passwd: "present"},
		{name: "uid-1000100000-gid-0-no-entry-passwd-writable", image: agentImage{base: "jre17", passwdWritable: true}, user: "1000100000:0", extra: []string{"--passwd=false"},
			uid: "1000100000", idName: "jenkins-1000100000", passwd: "append"},
		{name: "uid-1000100000-gid-0-no-entry-nss-wrapper", image: jre17, user: "1000100000:0", extra: []string{"--passwd=false"},
			uid: "1000100000", idName: "jenkins-1000100000", passwd: "nss_wrapper"},
	}
	s := need(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			image := s.agentImage(t, tt.image)
			opts := append([]string{"-u", tt.user}, tt.extra...)
			if tt.passwd != "" {
				plan := runContainer(t, runOpts{image: image, podman: opts, args: []string{"plan", "--json", "exec", "--", "sh"}})
				var p struct {
					Home struct{ Passwd string } `json:"home"`
				}
				if err := json.Unmarshal([]byte(plan.stdout), &p); err != nil || p.Home.Passwd != tt.passwd {
					t.Errorf("plan home.passwd %q (%v), want %q\n%s", p.Home.Passwd, err, tt.passwd, plan)
				}
			}
			sh := runContainer(t, runOpts{image: image, podman: opts, args: []string{"exec", "--", "sh", "-c", identityScript}})
			if sh.code != 0 {
				t.Fatalf("launcher exec -- sh: %s", sh)
			}
			// The literal command a build step runs, git as the launcher's
			// direct child.
			git := runContainer(t, runOpts{image: image, podman: opts, args: []string{"exec", "--", "git", "config", "--global", "user.name", "x"}})
			if git.code != 0 {
				t.Errorf("launcher exec -- git config --global user.name x: %s", git)
			}
			kv := keyValues(sh.stdout)
			if kv["uid"] != tt.uid {
				t.Errorf("uid %q, want %s", kv["uid"], tt.uid)
			}
			if kv["home_writable"] != "yes" {
				t.Errorf("HOME %q not writable\n%s", kv["home"], sh)
			}
			if kv["git_name"] != "x" || kv["git_error"] != "" {
				t.Errorf("git config --global: name %q, error %q\n%s", kv["git_name"], kv["git_error"], sh)
			}
			for _, k := range []string{"id_un", "whoami"} {
				if v := kv[k]; v == "" || v == "FAILED" || (tt.idName != "" && v != tt.idName) {
					t.Errorf("%s = %q, want %q (any name if empty)", k, v, tt.idName)
				}
			}

			jvm := runContainer(t, runOpts{
				image:  image,
				podman: opts,
				env:    map[string]string{"AGENT_PRINT_REPORT": "1"},
				args:   []string{"exec", "--", "java", "-jar", "/usr/share/jenkins/agent.jar"},
			})
			if jvm.code != 0 {
				t.Fatalf("launcher exec -- java: %s", jvm)
			}
			var rep standin.Report
			if err := json.Unmarshal([]byte(strings.TrimSpace(jvm.stdout)), &rep); err != nil {
				t.Fatalf("JVM report: %v\n%s", err, jvm)
			}
			if rep.UserHome != rep.Home || rep.Home != kv["home"] {
				t.Errorf("JVM user.home %q, its HOME %q, the shell's HOME %q: want all equal", rep.UserHome, rep.Home, kv["home"])
			}
			if !rep.HomeWritable {
				t.Errorf("JVM finds HOME %q not writable", rep.Home)
			}
		})
	}
}

func keyValues(out string) map[string]string {
	kv := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			if kv[k] != "" {
				v = kv[k] + "; " + v
			}
			kv[k] = v
		}
	}
	return kv
}
