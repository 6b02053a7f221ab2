package entrypoint

import (
	"fmt"
	"os"
)

// appendPasswd adds line to the passwd file in a single O_APPEND write, so
// that a concurrent reader sees either the old file or the new line whole.
func appendPasswd(host, line string) error {
	f, err := os.OpenFile(host, os.O_RDWR|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("opening %s for appending: %w", etcPasswd, unwrapPath(err))
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("inspecting %s: %w", etcPasswd, unwrapPath(err))
	}
	if fi.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, fi.Size()-1); err != nil {
			return fmt.Errorf("reading the end of %s: %w", etcPasswd, unwrapPath(err))
		}
		if last[0] != '\n' {
			line = "\n" + line
		}
	}
	if _, err := f.WriteString(line); err != nil {
		return fmt.Errorf("appending to %s: %w", etcPasswd, unwrapPath(err))
	}
	return f.Close()
}
