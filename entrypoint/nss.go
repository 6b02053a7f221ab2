package entrypoint

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"

	"github.com/jenkins-launcher/launcher/internal/smallfile"
)

const nssWrapperLib = "libnss_wrapper.so"

// nssDirName is the private directory, under the home, that holds the
// passwd and group copies nss_wrapper serves to the child.
const nssDirName = ".launcher-nss"

// nssLibDirs lists where distributions install libnss_wrapper.so. Only
// this architecture's multiarch directory is searched: a foreign-ELF
// library in LD_PRELOAD is skipped by ld.so with an error on every exec.
func nssLibDirs() []string {
	multiarch := map[string]string{"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu"}[runtime.GOARCH]
	var dirs []string
	if multiarch != "" {
		dirs = append(dirs, "/usr/lib/"+multiarch, "/lib/"+multiarch)
	}
	return append(dirs, "/usr/lib64", "/usr/lib", "/lib64", "/lib")
}

// findNSSWrapper returns the library's path as the child sees it, or "".
func (in *IdentityInput) findNSSWrapper() string {
	for _, dir := range nssLibDirs() {
		path := filepath.Join(dir, nssWrapperLib)
		if fi, err := os.Stat(in.host(path)); err == nil && fi.Mode().IsRegular() {
			return path
		}
	}
	return ""
}

// writeNSSFiles writes passwd and group copies carrying the new entry into
// a private directory under home and returns the environment that makes a
// dynamically linked child read them. created says whether the directory
// is new, so that a failed start can remove it.
func (in *IdentityInput) writeNSSFiles(p HomePlan, line string) (env []string, dir string, created bool, err error) {
	dir = filepath.Join(p.Path, nssDirName)
	created, err = makeOwnedDir(in.host(dir), dir, in.UID)
	if err != nil {
		return nil, dir, created, err
	}
	passwd := appendLine(in.readPasswd(), line)
	group, err := smallfile.Read(in.host(etcGroup), maxPasswd)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, dir, created, fmt.Errorf("reading %s: %w", etcGroup, err)
	}
	if !hasGID(group, p.GID) {
		name := chooseName(group, p.User, p.GID)
		group = appendLine(group, name+":x:"+strconv.Itoa(p.GID)+":\n")
	}
	files := map[string][]byte{"passwd": passwd, "group": group}
	for name, data := range files {
		if err := writeFileAtomic(in.host(filepath.Join(dir, name)), data); err != nil {
			return nil, dir, created, fmt.Errorf("writing nss_wrapper %s copy in %q: %w", name, dir, err)
		}
	}
	preload := p.NSSWrapper
	if old, ok := in.Getenv("LD_PRELOAD"); ok && old != "" {
		preload = old + ":" + p.NSSWrapper
	}
	return []string{
		"LD_PRELOAD=" + preload,
		"NSS_WRAPPER_PASSWD=" + filepath.Join(dir, "passwd"),
		"NSS_WRAPPER_GROUP=" + filepath.Join(dir, "group"),
	}, dir, created, nil
}

func hasGID(group []byte, gid int) bool {
	found := false
	forEachLine(group, func(_ int, line []byte) bool {
		found = !skippable(line) && thirdFieldIs(line, gid)
		return !found
	})
	return found
}

// appendLine adds line to data, first ending an unterminated last line.
func appendLine(data []byte, line string) []byte {
	if len(data) > 0 && !bytes.HasSuffix(data, []byte("\n")) {
		data = append(data, '\n')
	}
	return append(data, line...)
}

// writeFileAtomic replaces path so that a child never reads half a file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
