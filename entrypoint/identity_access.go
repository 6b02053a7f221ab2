package entrypoint

import "golang.org/x/sys/unix"

// accessWritable asks the kernel instead of trying a write, so that
// planning changes nothing on disk. AT_EACCESS checks the effective ids,
// which are the ones a later write would use; a read-only mount answers
// EROFS even to root. Directories need search permission as well; the
// first call settles the common case (a directory) without a stat.
func accessWritable(path string) bool {
	if unix.Faccessat(unix.AT_FDCWD, path, unix.W_OK|unix.X_OK, unix.AT_EACCESS) == nil {
		return true
	}
	return writableFile(path)
}

// writableFile is accessWritable's answer for what is not a writable
// directory, in a function of its own: its unix.Stat_t would sit in the
// frame of every call, deep in the launcher's start-up stack (see
// cmd/launcher's run).
func writableFile(path string) bool {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil || st.Mode&unix.S_IFMT == unix.S_IFDIR {
		return false
	}
	return unix.Faccessat(unix.AT_FDCWD, path, unix.W_OK, unix.AT_EACCESS) == nil
}
