package jnlp

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testCert makes a self-signed CA certificate named cn.
func testCert(t testing.TB, cn string) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func pemOf(certs ...*x509.Certificate) string {
	var b strings.Builder
	for _, c := range certs {
		b.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
	}
	return b.String()
}

// On this machine the roots we load are exactly the ones crypto/x509 uses.
func TestLinuxRootsMatchSystem(t *testing.T) {
	sys, err := x509.SystemCertPool()
	if err != nil {
		t.Fatal(err)
	}
	ours, err := linuxRoots.load()
	if err != nil {
		t.Fatal(err)
	}
	if ours.Equal(x509.NewCertPool()) {
		t.Fatal("no roots loaded; the machine has ca-certificates installed")
	}
	if !ours.Equal(sys) {
		t.Error("roots differ from x509.SystemCertPool()")
	}
}

func TestRootSources(t *testing.T) {
	a, b, c, d := testCert(t, "a"), testCert(t, "b"), testCert(t, "c"), testCert(t, "d")
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bundleA := write("bundle-a.pem", pemOf(a))
	bundleB := write("bundle-b.pem", pemOf(b))
	certDir := filepath.Join(dir, "certs")
	write("certs/b.pem", pemOf(b)) // the bundle's again
	write("certs/c.pem", "comment before\n"+pemOf(c))
	write("certs/garbage.pem", "not a certificate")
	write("certs/key.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2, 3}})))
	otherDir := filepath.Join(dir, "other")
	// AppendCertsFromPEM skips a block with headers; so must we.
	write("other/headers.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Headers: map[string]string{"X": "y"}, Bytes: d.Raw})))
	write("other/a.pem", pemOf(a))
	missing := filepath.Join(dir, "missing")

	for _, tc := range []struct {
		name  string
		src   rootSources
		env   map[string]string
		want  []*x509.Certificate
		error bool
	}{
		{name: "first existing bundle only", src: rootSources{files: []string{missing, bundleA, bundleB}}, want: []*x509.Certificate{a}},
		{name: "bundle and directory", src: rootSources{files: []string{bundleB}, dirs: []string{certDir}}, want: []*x509.Certificate{b, c}},
		{name: "SSL_CERT_FILE replaces the bundles", src: rootSources{files: []string{bundleA}}, env: map[string]string{"SSL_CERT_FILE": bundleB}, want: []*x509.Certificate{b}},
		{name: "SSL_CERT_DIR replaces the directories, colon-separated", src: rootSources{files: []string{missing}, dirs: []string{certDir}}, env: map[string]string{"SSL_CERT_DIR": otherDir + ":" + missing + ":" + certDir}, want: []*x509.Certificate{a, b, c}},
		{name: "nothing there", src: rootSources{files: []string{missing}, dirs: []string{missing}}},
		{name: "unreadable and nothing else", src: rootSources{files: []string{certDir}}, error: true},
		{name: "unreadable but roots elsewhere", src: rootSources{files: []string{certDir}, dirs: []string{otherDir}}, want: []*x509.Certificate{a}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := tc.src
			src.getenv = func(k string) string { return tc.env[k] }
			got, err := src.load()
			if tc.error {
				if err == nil || !strings.Contains(err.Error(), certDir) {
					t.Fatalf("load() = %v, want an error naming %s", err, certDir)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := x509.NewCertPool()
			for _, c := range tc.want {
				want.AddCert(c)
			}
			if !got.Equal(want) {
				t.Errorf("pool differs from the %d expected certificates", len(tc.want))
			}
		})
	}
}

// The c_rehash links next to the certificates are skipped; links elsewhere
// (Debian's /etc/ssl/certs/*.pem -> /usr/share/ca-certificates/...) are not.
func TestHashLink(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ca.pem"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"5ad8a5d6.0": "ca.pem", "abs.pem": filepath.Join(dir, "ca.pem"), "sub.pem": "sub/ca.pem"} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"5ad8a5d6.0": true, "abs.pem": false, "sub.pem": false, "ca.pem": false}
	for _, e := range entries {
		if got := hashLink(dir, e); got != want[e.Name()] {
			t.Errorf("hashLink(%s) = %v, want %v", e.Name(), got, want[e.Name()])
		}
	}
}

// BenchmarkLoadRoots reads this machine's roots, as the first https wait
// does: the figure to set against x509's own loading, which parses the
// bundle's certificates a second time from the directory.
func BenchmarkLoadRoots(b *testing.B) {
	for b.Loop() {
		if _, err := linuxRoots.load(); err != nil {
			b.Fatal(err)
		}
	}
}
