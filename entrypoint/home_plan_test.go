package entrypoint

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jenkins-launcher/launcher/internal/testutil"
)

func TestPlanHome(t *testing.T) {
	for _, tc := range identityCases() {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			idCopyFixture(t, tc.name, root)
			if os.Geteuid() == 0 {
				idChown(t, root, tc.owners)
			} else if tc.want.Action == HomeReuse || strings.Contains(tc.want.Reason, "owned by") {
				testutil.RequireRoot(t)
			}
			before := idSnapshot(t, root)
			got, err := PlanHome(IdentityInput{
				Root: root, UID: tc.uid, GID: tc.gid,
				Getenv:   idGetenv(tc.env),
				Writable: idWritable(root, tc.readOnly),
			})
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Fatalf("PlanHome error = %v, want %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("PlanHome =\n %+v\nwant\n %+v", got, tc.want)
			}
			if after := idSnapshot(t, root); !maps.Equal(before, after) {
				t.Errorf("PlanHome changed the tree:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

// TestPlanHomeUserName: a LAUNCHER_USER that would corrupt etc/passwd is
// refused, but only when a name is needed at all.
func TestPlanHomeUserName(t *testing.T) {
	for _, tc := range []struct {
		fixture, name string
		uid           int
		wantErr       error
	}{
		{"openshift-no-entry-passwd-writable", "a:b", openshiftUID, ErrUserName},
		{"openshift-no-entry-passwd-writable", "+nis", openshiftUID, ErrUserName},
		{"openshift-no-entry-passwd-writable", "builder", openshiftUID, nil},
		{"nobody-home-nonexistent", "a:b", 65534, nil},
	} {
		t.Run(tc.fixture+"/"+tc.name, func(t *testing.T) {
			root := t.TempDir()
			idCopyFixture(t, tc.fixture, root)
			p, err := PlanHome(IdentityInput{Root: root, UID: tc.uid, Getenv: idGetenv(nil), UserName: tc.name,
				Writable: idWritable(root, nil)})
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Fatalf("PlanHome error = %v, want %v", err, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), `"`+tc.name+`"`) {
				t.Errorf("error %q does not quote the name %q", err, tc.name)
			}
			if err == nil && p.Passwd == PasswdAppend && p.User != tc.name {
				t.Errorf("User = %q, want %q", p.User, tc.name)
			}
		})
	}
}

// idChown gives each listed path (relative to root) to a uid, with the
// group of the same number.
func idChown(t testing.TB, root string, owners map[string]int) {
	t.Helper()
	for rel, uid := range owners {
		if err := os.Lchown(filepath.Join(root, rel), uid, uid); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkPlanHome measures the common start: entry present, HOME fine,
// with the real access(2) check.
func BenchmarkPlanHome(b *testing.B) {
	root := b.TempDir()
	idCopyFixture(b, "entry-present-home-fine", root)
	in := IdentityInput{Root: root, UID: 1000, GID: 1000,
		Getenv: idGetenv(map[string]string{"HOME": "/home/jenkins"})}
	for b.Loop() {
		p, err := PlanHome(in)
		if err != nil || p.Action != HomeKept || p.Passwd != PasswdPresent {
			b.Fatalf("PlanHome = %+v, %v", p, err)
		}
	}
}
