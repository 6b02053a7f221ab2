package entrypoint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/jenkins-launcher/launcher/internal/testutil"
)

// idOutcome mirrors the JSON line printed by internal/identityprog.
type idOutcome struct {
	Plan       HomePlan `json:"plan"`
	PlanError  string   `json:"plan_error"`
	Env        []string `json:"env"`
	ApplyError string   `json:"apply_error"`
}

// TestRootApplyHome runs every identity scenario for real: the fixture gets
// real modes and owners, and identityprog runs PlanHome and ApplyHome under
// the scenario's uid through setpriv. The plan idMust match the one the
// injected access check gave in TestPlanHome.
func TestRootApplyHome(t *testing.T) {
	testutil.RequireRoot(t)
	prog := idBuildProg(t)
	for _, tc := range identityCases() {
		t.Run(tc.name, func(t *testing.T) {
			root := idWorldDir(t)
			idCopyFixture(t, tc.name, root)
			idPrepareReal(t, root, tc)
			passwdBefore := idRead(t, filepath.Join(root, "etc/passwd"))

			out := idRunAs(t, tc.uid, tc.gid, idEnvList(tc.env), prog, "-root", root)
			if out.Plan != tc.want {
				t.Errorf("plan =\n %+v\nwant\n %+v", out.Plan, tc.want)
			}
			if tc.wantErr != nil {
				if !strings.Contains(out.PlanError, tc.wantErr.Error()) {
					t.Errorf("plan error %q, want %q", out.PlanError, tc.wantErr)
				}
				return
			}
			if out.PlanError != "" || out.ApplyError != "" {
				t.Fatalf("errors: plan %q, apply %q", out.PlanError, out.ApplyError)
			}
			if !slices.Equal(out.Env, tc.wantEnv) {
				t.Errorf("env = %q, want %q", out.Env, tc.wantEnv)
			}
			idCheckApplied(t, root, tc, passwdBefore)
		})
	}
}

// idCheckApplied verifies the disk after ApplyHome against the plan.
func idCheckApplied(t *testing.T, root string, tc identityCase, passwdBefore []byte) {
	t.Helper()
	p := tc.want
	if p.Action == HomeCreate || p.Action == HomeReuse {
		idAssertPrivateDir(t, filepath.Join(root, p.Path), tc.uid)
	}
	line := fmt.Sprintf("%s:x:%d:%d:launcher:%s:/bin/sh\n", p.User, p.UID, p.GID, p.Path)
	wantPasswd := passwdBefore
	if p.Passwd == PasswdAppend {
		wantPasswd = appendLine(slices.Clone(passwdBefore), line)
	}
	if got := idRead(t, filepath.Join(root, "etc/passwd")); !bytes.Equal(got, wantPasswd) {
		t.Errorf("etc/passwd =\n%s\nwant\n%s", got, wantPasswd)
	}
	if p.Passwd == PasswdAppend {
		entries, errs := ParsePasswd(wantPasswd)
		if len(errs) > 0 || entries[len(entries)-1].Name != p.User {
			t.Errorf("appended passwd does not parse back: %v %v", entries, errs)
		}
	}
	if p.Passwd != PasswdNSSWrapper {
		return
	}
	dir := filepath.Join(root, p.Path, nssDirName)
	idAssertPrivateDir(t, dir, tc.uid)
	if got := idRead(t, filepath.Join(dir, "passwd")); !bytes.Equal(got, appendLine(slices.Clone(passwdBefore), line)) {
		t.Errorf("nss_wrapper passwd =\n%s", got)
	}
	if group := idRead(t, filepath.Join(dir, "group")); !hasGID(group, p.GID) {
		t.Errorf("nss_wrapper group has no gid %d:\n%s", p.GID, group)
	}
}

func idAssertPrivateDir(t *testing.T, path string, uid int) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || fi.Mode().Perm() != 0o700 || int(st.Uid) != uid {
		t.Errorf("%s: mode %v owner %d, want a 0700 directory owned by %d", path, fi.Mode(), st.Uid, uid)
	}
}

// idPrepareReal turns the fixture's listed intentions into real permissions:
// tmp is sticky and world-writable unless read-only, etc/passwd is
// group-writable for the scenario's gid (as OpenShift images ship it)
// unless read-only.
func idPrepareReal(t *testing.T, root string, tc identityCase) {
	t.Helper()
	ro := func(p string) bool { return slices.Contains(tc.readOnly, p) }
	if !ro("tmp") {
		idMust(t, os.Chmod(filepath.Join(root, "tmp"), 0o1777))
	}
	passwd := filepath.Join(root, "etc/passwd")
	if ro("etc/passwd") {
		idMust(t, os.Chmod(passwd, 0o644))
	} else {
		idMust(t, os.Chown(passwd, 0, tc.gid))
		idMust(t, os.Chmod(passwd, 0o664))
	}
	idChown(t, root, tc.owners)
}

// idRunAs runs a command as uid:gid with only env (plus PATH), and decodes
// the first line of its output as identityprog's outcome.
func idRunAs(t *testing.T, uid, gid int, env []string, argv ...string) idOutcome {
	t.Helper()
	args := append([]string{"--reuid", strconv.Itoa(uid), "--regid", strconv.Itoa(gid), "--clear-groups"}, argv...)
	cmd := exec.Command("setpriv", args...)
	cmd.Env = append(env, "PATH=/usr/local/bin:/usr/bin:/bin")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %v\nstdout: %s\nstderr: %s", argv, err, stdout, stderr.String())
	}
	first, _, _ := bytes.Cut(stdout, []byte("\n"))
	var out idOutcome
	if err := json.Unmarshal(first, &out); err != nil {
		t.Fatalf("decoding %q: %v\nstderr: %s", first, err, stderr.String())
	}
	t.Logf("stderr: %s", stderr.String())
	return out
}

// idBuildProg builds the helper binary into a directory every uid
// can reach.
func idBuildProg(t *testing.T) string {
	t.Helper()
	return testutil.BuildStatic(t, idWorldDir(t), "./internal/identityprog")[0]
}

// idWorldDir is a temporary directory that other uids can traverse (t.TempDir
// is private to the test's uid), removed when the test ends.
func idWorldDir(t *testing.T) string {
	t.Helper()
	return testutil.WorldDir(t, "launcher-identity-")
}

func idEnvList(env map[string]string) []string {
	var out []string
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}

func idRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	idMust(t, err)
	return data
}

func idMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
