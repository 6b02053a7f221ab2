package entrypoint

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// TestApplyHomeDegrades drives ApplyHome with plans that reality
// contradicts at apply time. The uid is the test's own, so that what
// ApplyHome creates is really owned by it.
func TestApplyHomeDegrades(t *testing.T) {
	uid, gid := os.Geteuid(), os.Getegid()
	fallback := "/tmp/home-" + strconv.Itoa(uid)
	nss := fallback + "/" + nssDirName
	for _, tc := range []struct {
		fixture, variant string
		plan             HomePlan
		prepare          func(t *testing.T, root string)
		wantEnv          []string
		wantErr          error
		wantRemoved      []string // gone after cleanup
	}{
		{
			fixture: "nobody-home-nonexistent", variant: "kept-home-fails-write-test",
			plan:        HomePlan{Path: "/nonexistent", Action: HomeKept, Passwd: PasswdPresent},
			wantEnv:     []string{"HOME=" + fallback},
			wantRemoved: []string{fallback},
		},
		{
			fixture: "no-entry-readonly-nss-wrapper", variant: "append-fails-uses-nss-wrapper",
			plan:        HomePlan{Path: fallback, Action: HomeCreate, Passwd: PasswdAppend, User: "jenkins"},
			prepare:     idRemoveFile("etc/passwd"),
			wantEnv:     []string{"HOME=" + fallback, "LD_PRELOAD=" + idMultiarchLib(), "NSS_WRAPPER_PASSWD=" + nss + "/passwd", "NSS_WRAPPER_GROUP=" + nss + "/group", "USER=jenkins", "LOGNAME=jenkins"},
			wantRemoved: []string{fallback},
		},
		{
			fixture: "no-entry-readonly-no-nss-wrapper", variant: "append-fails-sets-user",
			plan:        HomePlan{Path: fallback, Action: HomeCreate, Passwd: PasswdAppend, User: "jenkins"},
			prepare:     idRemoveFile("etc/passwd"),
			wantEnv:     []string{"HOME=" + fallback, "USER=jenkins", "LOGNAME=jenkins"},
			wantRemoved: []string{fallback},
		},
		{
			fixture: "no-entry-readonly-nss-wrapper", variant: "nss-plan-without-library-finds-it",
			plan:        HomePlan{Path: fallback, Action: HomeCreate, Passwd: PasswdNSSWrapper, User: "jenkins"},
			wantEnv:     []string{"HOME=" + fallback, "LD_PRELOAD=" + idMultiarchLib(), "NSS_WRAPPER_PASSWD=" + nss + "/passwd", "NSS_WRAPPER_GROUP=" + nss + "/group", "USER=jenkins", "LOGNAME=jenkins"},
			wantRemoved: []string{fallback},
		},
		{
			fixture: "no-entry-readonly-no-nss-wrapper", variant: "nss-plan-without-library-sets-user",
			plan:    HomePlan{Path: fallback, Action: HomeCreate, Passwd: PasswdNSSWrapper, User: "jenkins"},
			wantEnv: []string{"HOME=" + fallback, "USER=jenkins", "LOGNAME=jenkins"},
		},
		{
			fixture: "no-entry-readonly-nss-wrapper", variant: "nss-dir-is-a-symlink",
			plan: HomePlan{Path: fallback, Action: HomeReuse, Passwd: PasswdNSSWrapper, User: "jenkins", NSSWrapper: idMultiarchLib()},
			prepare: func(t *testing.T, root string) {
				idMust(t, os.Mkdir(filepath.Join(root, fallback), 0o700))
				// Relative, so a bug would write into the fixture, not the host.
				idMust(t, os.Symlink("../../etc", filepath.Join(root, nss)))
			},
			wantEnv: []string{"HOME=" + fallback, "USER=jenkins", "LOGNAME=jenkins"},
		},
		{
			fixture: "no-entry-readonly-no-nss-wrapper", variant: "home-with-colon-sets-user",
			plan:    HomePlan{Path: "/tmp/a:b", Action: HomeCreate, Passwd: PasswdAppend, User: "jenkins"},
			wantEnv: []string{"HOME=/tmp/a:b", "USER=jenkins", "LOGNAME=jenkins"},
		},
		{
			fixture: "nobody-home-nonexistent", variant: "fallback-is-a-file",
			plan: HomePlan{Path: fallback, Action: HomeReuse, Passwd: PasswdPresent},
			prepare: func(t *testing.T, root string) {
				idMust(t, os.WriteFile(filepath.Join(root, fallback), nil, 0o600))
			},
			wantErr: ErrNoHome,
		},
		{
			fixture: "nobody-home-nonexistent", variant: "unknown-action",
			plan:    HomePlan{Path: fallback, Action: "borrow", Passwd: PasswdPresent},
			wantErr: errUnknownPlan,
		},
		{
			fixture: "nobody-home-nonexistent", variant: "unknown-passwd",
			plan:        HomePlan{Path: fallback, Action: HomeCreate, Passwd: "guess"},
			wantErr:     errUnknownPlan,
			wantRemoved: []string{fallback},
		},
	} {
		t.Run(tc.fixture+"/"+tc.variant, func(t *testing.T) {
			root := t.TempDir()
			idCopyFixture(t, tc.fixture, root)
			if tc.prepare != nil {
				tc.prepare(t, root)
			}
			tc.plan.UID, tc.plan.GID = uid, gid
			in := IdentityInput{Root: root, UID: uid, GID: gid, Getenv: idGetenv(map[string]string{"HOME": "/nonexistent"})}
			// BeforeChange comes before the first thing that cleanup
			// would remove exists.
			changes, existed := 0, []string(nil)
			in.BeforeChange = func() {
				changes++
				for _, p := range tc.wantRemoved {
					if _, err := os.Lstat(filepath.Join(root, p)); err == nil && changes == 1 {
						existed = append(existed, p)
					}
				}
			}
			env, cleanup, err := ApplyHome(in, tc.plan)
			if len(tc.wantRemoved) > 0 && changes == 0 {
				t.Errorf("created %v without calling BeforeChange", tc.wantRemoved)
			}
			if len(existed) > 0 {
				t.Errorf("%v existed before BeforeChange was called", existed)
			}
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Fatalf("ApplyHome error = %v, want %v", err, tc.wantErr)
			}
			if cleanup == nil {
				t.Fatal("cleanup is nil")
			}
			if !slices.Equal(env, tc.wantEnv) {
				t.Errorf("env = %q\nwant  %q", env, tc.wantEnv)
			}
			cleanup()
			for _, p := range tc.wantRemoved {
				if _, err := os.Lstat(filepath.Join(root, p)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s still there after cleanup (%v)", p, err)
				}
			}
		})
	}
}

func idRemoveFile(rel string) func(t *testing.T, root string) {
	return func(t *testing.T, root string) { idMust(t, os.Remove(filepath.Join(root, rel))) }
}

// A home kept as it is with its passwd entry present changes nothing, so
// the caller is not made to wait for BeforeChange's preparations.
func TestApplyHomeKeptChangesNothing(t *testing.T) {
	root := t.TempDir()
	idCopyFixture(t, "entry-present-home-fine", root)
	in := IdentityInput{Root: root, UID: 1000, GID: 1000,
		Getenv:       idGetenv(map[string]string{"HOME": "/home/jenkins"}),
		BeforeChange: func() { t.Error("BeforeChange called for a kept home") }}
	p, err := PlanHome(in)
	if err != nil || p.Action != HomeKept || p.Passwd != PasswdPresent {
		t.Fatalf("PlanHome = %+v, %v", p, err)
	}
	if env, _, err := ApplyHome(in, p); err != nil || len(env) != 0 {
		t.Fatalf("ApplyHome = %q, %v", env, err)
	}
}

// BenchmarkApplyHome measures the common start after planning: HOME kept,
// entry present, so only the write test runs.
func BenchmarkApplyHome(b *testing.B) {
	root := b.TempDir()
	idCopyFixture(b, "entry-present-home-fine", root)
	in := IdentityInput{Root: root, UID: 1000, GID: 1000,
		Getenv: idGetenv(map[string]string{"HOME": "/home/jenkins"})}
	p, err := PlanHome(in)
	if err != nil || p.Action != HomeKept {
		b.Fatalf("PlanHome = %+v, %v", p, err)
	}
	for b.Loop() {
		env, _, err := ApplyHome(in, p)
		if err != nil || len(env) != 0 {
			b.Fatalf("ApplyHome = %q, %v", env, err)
		}
	}
}
