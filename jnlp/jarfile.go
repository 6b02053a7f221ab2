package jnlp

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// errBody marks a body that broke off (a network error while reading it):
// worth another attempt, unlike a complete body that is not a jar.
var errBody = errors.New("reading the body")

// saveJar writes body to dir/agent.jar atomically and checks it is a jar
// of at most maxSize bytes.
func saveJar(body io.Reader, dir string, maxSize int64) (string, int64, error) {
	tmp, err := os.CreateTemp(dir, ".agent.jar-*.tmp")
	if err != nil {
		return "", 0, fmt.Errorf("cache directory: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	size, err := io.Copy(tmp, io.LimitReader(body, maxSize+1))
	if err != nil {
		return "", 0, fmt.Errorf("%w: %s", errBody, describe(err))
	}
	if size > maxSize {
		return "", 0, fmt.Errorf("not agent.jar: the body goes on past %d bytes", maxSize)
	}
	if err := tmp.Sync(); err != nil {
		return "", 0, fmt.Errorf("writing %q: %w", tmp.Name(), err)
	}
	if err := checkJar(tmp, size); err != nil {
		return "", 0, err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return "", 0, fmt.Errorf("chmod %q: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return "", 0, fmt.Errorf("writing %q: %w", tmp.Name(), err)
	}
	dst := filepath.Join(dir, "agent.jar")
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", 0, fmt.Errorf("installing %q: %w", dst, err)
	}
	done = true
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // make the rename durable; not fatal if the fs refuses
		d.Close()
	}
	return dst, size, nil
}

// checkJar rejects anything that is not a zip whose META-INF/MANIFEST.MF
// has a Main-Class: an HTML login page or a proxy's error page would
// otherwise reach Java as "Invalid or corrupt jarfile".
func checkJar(r io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fmt.Errorf("not a jar (%d bytes): %w", size, err)
	}
	// A decompressor of this reader's own: archive/zip's shared one goes
	// back to a sync.Pool on Close, which keeps it (40 KiB, most of it the
	// window) through the next GC, the one meant to give set-up's memory
	// back before the agent runs.
	zr.RegisterDecompressor(zip.Deflate, func(r io.Reader) io.ReadCloser { return flate.NewReader(r) })
	for _, f := range zr.File {
		if f.Name != "META-INF/MANIFEST.MF" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("not a jar: manifest: %w", err)
		}
		defer rc.Close()
		sc := bufio.NewScanner(rc)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.EqualFold(k, "Main-Class") && strings.TrimSpace(v) != "" {
				return nil
			}
		}
		return errors.New("not a runnable jar: the manifest has no Main-Class")
	}
	return errors.New("not a jar: no META-INF/MANIFEST.MF")
}
