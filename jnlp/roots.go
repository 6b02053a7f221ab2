package jnlp

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// rootSources are the places the machine's trusted roots come from, in the
// order crypto/x509 reads them on Linux: the first bundle that exists (or
// SSL_CERT_FILE), then every file of the directories (or SSL_CERT_DIR, a
// colon-separated list).
type rootSources struct {
	files  []string
	dirs   []string
	getenv func(string) string
}

// linuxRoots lists the bundles of Debian/Ubuntu, Fedora/RHEL 6, openSUSE,
// OpenELEC, CentOS/RHEL 7 and Alpine, as crypto/x509 does.
var linuxRoots = rootSources{
	files: []string{
		"/etc/ssl/certs/ca-certificates.crt",
		"/etc/pki/tls/certs/ca-bundle.crt",
		"/etc/ssl/ca-bundle.pem",
		"/etc/pki/tls/cacert.pem",
		"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
		"/etc/ssl/cert.pem",
	},
	dirs:   []string{"/etc/ssl/certs", "/etc/pki/tls/certs"},
	getenv: os.Getenv,
}

// load returns a new pool of the roots. It is what x509.SystemCertPool
// returns, but x509 keeps that pool for the life of the process: about
// 1.4 MiB of resident memory (some 140 parsed certificates and the pages
// they pin) in a supervisor that needs the roots only until the controller
// has answered. This pool goes with the HTTP client. An error comes only
// when nothing could be read and something failed other than not existing,
// as with x509.
func (s rootSources) load() (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	seen := map[[sha256.Size]byte]bool{}
	add := func(data []byte) { addNewCerts(pool, seen, data) }
	files := s.files
	if f := s.getenv("SSL_CERT_FILE"); f != "" {
		files = []string{f}
	}
	var firstErr error
	note := func(err error) {
		if firstErr == nil && !errors.Is(err, fs.ErrNotExist) {
			firstErr = err
		}
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err == nil {
			add(data)
			break
		}
		note(err)
	}
	dirs := s.dirs
	if d := s.getenv("SSL_CERT_DIR"); d != "" {
		dirs = strings.Split(d, ":")
	}
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			note(err)
			continue
		}
		for _, e := range entries {
			if hashLink(dir, e) {
				continue
			}
			if data, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil {
				add(data)
			}
		}
	}
	if firstErr == nil || !pool.Equal(x509.NewCertPool()) {
		return pool, nil
	}
	return nil, firstErr
}

// addNewCerts adds the certificates of the PEM data to pool as
// AppendCertsFromPEM does (CERTIFICATE blocks without headers that parse),
// but parses only those not seen before: the directories hold the bundle's
// certificates again, one file each, and parsing them all twice made the
// heap peak twice as high, which left the runtime's bookkeeping of it
// resident for the life of the supervisor.
func addNewCerts(pool *x509.CertPool, seen map[[sha256.Size]byte]bool, data []byte) {
	for len(data) > 0 {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return
		}
		if block.Type != "CERTIFICATE" || len(block.Headers) != 0 {
			continue
		}
		sum := sha256.Sum256(block.Bytes)
		if seen[sum] {
			continue
		}
		seen[sum] = true
		if cert, err := x509.ParseCertificate(block.Bytes); err == nil {
			pool.AddCert(cert)
		}
	}
}

// hashLink says whether e is a symbolic link to a file of the same
// directory, such as the c_rehash links (5ad8a5d6.0 -> ca.pem) next to the
// certificates they name: reading them would read each certificate twice.
func hashLink(dir string, e fs.DirEntry) bool {
	if e.Type()&fs.ModeSymlink == 0 {
		return false
	}
	target, err := os.Readlink(filepath.Join(dir, e.Name()))
	return err == nil && !strings.Contains(target, "/")
}
