package entrypoint

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jenkins-launcher/launcher/internal/testutil"
)

// identityChecks runs as the agent would: it prints what tools that look
// up the user see.
const identityChecks = `
echo "home=$HOME"
touch "$HOME/.probe" && echo "home_writable=yes"
git config --global user.name x && echo "git=$(git config --global user.name)"
echo "java_home=$(java -XX:-UsePerfData -XshowSettings:properties -version 2>&1 | sed -n 's/^ *user.home = //p')"
echo "id=$(id -un 2>/dev/null)"
echo "whoami=$(whoami 2>/dev/null)"
echo "user=$USER"
`

// TestRootIdentityReal runs identityprog with Root "/" as an OpenShift-style
// uid (no entry, gid 0) and as nobody (entry, HOME=/nonexistent), in a
// private mount namespace where a copy of the host's /etc/passwd is bound
// over /etc/passwd: group-writable for gid 0, read-only, or read-only with
// nss_wrapper. The command it starts idMust find a writable HOME, a working
// git, and, where an entry exists or nss_wrapper serves one, the same home
// from Java's getpwuid-based user.home and a name from id and whoami.
func TestRootIdentityReal(t *testing.T) {
	testutil.RequireRoot(t)
	for _, tool := range []string{"unshare", "setpriv", "mount", "git", "java"} {
		if _, err := exec.LookPath(tool); err != nil {
			testutil.Unavailable(t, tool+" is not installed")
		}
	}
	lib := (&IdentityInput{Root: "/"}).findNSSWrapper()
	prog := idBuildProg(t)
	hostPasswd := idRead(t, "/etc/passwd")
	for _, tc := range []struct {
		name       string
		uid, gid   int
		readOnly   bool
		nssWrapper bool
		want       string // plan's passwd state
	}{
		{"openshift-group-writable", openshiftUID, 0, false, false, PasswdAppend},
		{"openshift-read-only", openshiftUID, 0, true, false, PasswdMissing},
		{"openshift-read-only-nss-wrapper", openshiftUID, 0, true, true, PasswdNSSWrapper},
		{"nobody-group-writable", 65534, 65534, false, false, PasswdPresent},
		{"nobody-read-only", 65534, 65534, true, false, PasswdPresent},
		{"nobody-read-only-nss-wrapper", 65534, 65534, true, true, PasswdPresent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if lib == "" && (tc.nssWrapper || !tc.readOnly) {
				// Without it, the non-nss cases cannot prove the lookup skips it.
				testutil.Unavailable(t, "libnss-wrapper is not installed (e2e/setup-host.sh installs it)")
			}
			dir := idWorldDir(t)
			passwd := filepath.Join(dir, "passwd")
			mode := os.FileMode(0o664) // root:0, as OpenShift images ship it
			if tc.readOnly {
				mode = 0o644
			}
			idMust(t, os.WriteFile(passwd, hostPasswd, mode))
			idMust(t, os.Chmod(passwd, mode))
			tmp := filepath.Join(dir, "tmp")
			idMust(t, os.Mkdir(tmp, 0o755))
			idMust(t, os.Chmod(tmp, 0o1777))
			checks := filepath.Join(dir, "checks.sh")
			idMust(t, os.WriteFile(checks, []byte(identityChecks), 0o644))

			script := "set -e\nmount --make-rprivate /\nmount --bind " + passwd + " /etc/passwd\n"
			if tc.readOnly {
				script += "mount -o remount,bind,ro /etc/passwd\n"
			}
			if !tc.nssWrapper && lib != "" {
				script += "mount --bind /dev/null " + lib + "\n"
			}
			script += "exec setpriv --reuid " + strconv.Itoa(tc.uid) + " --regid " + strconv.Itoa(tc.gid) +
				" --clear-groups env -i HOME=/nonexistent TMPDIR=" + tmp + " PATH=/usr/local/bin:/usr/bin:/bin " +
				prog + " sh " + checks + "\n"
			cmd := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c", script)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			stdout, err := cmd.Output()
			if err != nil {
				t.Fatalf("%v\nstdout: %s\nstderr: %s", err, stdout, stderr.String())
			}
			first, rest, _ := bytes.Cut(stdout, []byte("\n"))
			out := idDecode(t, first)
			got := idKeyValues(string(rest))
			t.Logf("plan %+v\nchild %v\nstderr %s", out.Plan, got, stderr.String())

			p := out.Plan
			if p.Passwd != tc.want || p.Path != filepath.Join(tmp, "home-"+strconv.Itoa(tc.uid)) {
				t.Errorf("plan passwd %q path %q, want %q in %s", p.Passwd, p.Path, tc.want, tmp)
			}
			if got["home"] != p.Path || got["home_writable"] != "yes" || got["git"] != "x" {
				t.Errorf("child sees home %q (writable %q), git user.name %q; want %q, yes, x",
					got["home"], got["home_writable"], got["git"], p.Path)
			}
			switch p.Passwd {
			case PasswdAppend, PasswdNSSWrapper:
				if got["java_home"] != p.Path || got["id"] != p.User || got["whoami"] != p.User {
					t.Errorf("java user.home %q, id -un %q, whoami %q; want %q and %q",
						got["java_home"], got["id"], got["whoami"], p.Path, p.User)
				}
			case PasswdPresent:
				// Java takes the entry's home, not $HOME: why the JVM plan
				// passes -Duser.home.
				if got["java_home"] != "/nonexistent" || got["id"] != "nobody" {
					t.Errorf("java user.home %q, id -un %q; want /nonexistent and nobody", got["java_home"], got["id"])
				}
			case PasswdMissing:
				// No lookup finds a name (id -un falls back to the number);
				// only the environment carries one.
				if got["java_home"] != "?" || got["whoami"] != "" || got["id"] == DefaultUserName || got["user"] != DefaultUserName {
					t.Errorf("java user.home %q, whoami %q, id -un %q, USER %q; want ?, nothing, not %s, %s",
						got["java_home"], got["whoami"], got["id"], got["user"], DefaultUserName, DefaultUserName)
				}
			}
			copyAfter := idRead(t, passwd)
			appended := bytes.HasSuffix(copyAfter, []byte(":"+strconv.Itoa(tc.uid)+":"+strconv.Itoa(tc.gid)+":launcher:"+p.Path+":/bin/sh\n"))
			if appended != (p.Passwd == PasswdAppend) {
				t.Errorf("passwd copy appended %v, plan %q:\n%s", appended, p.Passwd, copyAfter)
			}
			if now := idRead(t, "/etc/passwd"); !bytes.Equal(now, hostPasswd) {
				t.Fatalf("the host's /etc/passwd changed")
			}
		})
	}
}

func idDecode(t *testing.T, line []byte) idOutcome {
	t.Helper()
	var out idOutcome
	if err := json.Unmarshal(line, &out); err != nil {
		t.Fatalf("decoding %q: %v", line, err)
	}
	if out.PlanError != "" || out.ApplyError != "" {
		t.Fatalf("plan error %q, apply error %q", out.PlanError, out.ApplyError)
	}
	return out
}

func idKeyValues(s string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			m[k] = v
		}
	}
	return m
}
