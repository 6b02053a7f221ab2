package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// installName is the file `launcher install DIR` creates in DIR.
const installName = "launcher"

// installSelf copies the binary at self into dir/launcher with mode 0755.
// A scratch image has no cp, so an init container runs this to put the
// launcher into a shared volume. The copy goes to a temporary file in dir
// and is renamed into place after fsync, so a container starting from the
// volume at the same moment sees either the old file or the whole new one.
func installSelf(dir string, self string) error {
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("install directory %q: %w", dir, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("install directory %q: not a directory", dir)
	}
	src, err := os.Open(self)
	if err != nil {
		return fmt.Errorf("install: opening the running binary %q: %w", self, err)
	}
	defer src.Close()

	tmp, err := os.CreateTemp(dir, "."+installName+"-*.tmp")
	if err != nil {
		return fmt.Errorf("install directory %q: %w", dir, err)
	}
	if err := writeExecutable(tmp, src); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("install: writing %q from %q: %w", tmp.Name(), self, err)
	}
	target := filepath.Join(dir, installName)
	if err := os.Rename(tmp.Name(), target); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("install: renaming into %q: %w", target, err)
	}
	// The rename is durable only once the directory itself is synced.
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("install directory %q: %w", dir, err)
	}
	return nil
}

// writeExecutable fills tmp from src, makes it 0755 regardless of the
// umask, flushes it to disk and closes it.
func writeExecutable(tmp *os.File, src io.Reader) error {
	_, err := io.Copy(tmp, src)
	if err == nil {
		err = tmp.Chmod(0o755)
	}
	if err == nil {
		err = tmp.Sync()
	}
	return errors.Join(err, tmp.Close())
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
