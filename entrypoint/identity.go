package entrypoint

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
)

// Home actions: what the run does about HOME.
const (
	HomeKept   = "kept"   // $HOME is usable as it is
	HomePasswd = "passwd" // the passwd entry's home is used instead
	HomeCreate = "create" // the fallback directory will be created
	HomeReuse  = "reuse"  // the fallback directory exists, is ours and is used
)

// Passwd states: what the run does about the uid's passwd entry.
const (
	PasswdPresent    = "present"     // etc/passwd already names the uid
	PasswdAppend     = "append"      // a line is appended to etc/passwd
	PasswdNSSWrapper = "nss_wrapper" // the child sees a passwd copy through nss_wrapper
	PasswdMissing    = "missing"     // nothing can be done: only USER and LOGNAME are set
)

// DefaultUserName is the passwd name given to a uid that has none, unless
// LAUNCHER_USER says otherwise.
const DefaultUserName = "jenkins"

// ErrNoHome means no candidate for HOME is usable: the run cannot go ahead
// (the caller exits 70).
var ErrNoHome = errors.New("no usable home directory")

// errUnknownPlan means ApplyHome got a plan PlanHome cannot produce.
var errUnknownPlan = errors.New("unknown home plan")

// ErrUserName means LAUNCHER_USER cannot be written into a passwd line.
var ErrUserName = errors.New("invalid user name")

// HomePlan is what the run will do about HOME and the passwd entry;
// `launcher plan --json` prints it under "home".
type HomePlan struct {
	Path       string `json:"path"`
	Action     string `json:"action"`
	Passwd     string `json:"passwd"`
	User       string `json:"user"`
	UID        int    `json:"uid"`
	GID        int    `json:"gid"`
	Reason     string `json:"reason,omitempty"`
	NSSWrapper string `json:"nss_wrapper_library,omitempty"`
}

// IdentityInput is everything PlanHome and ApplyHome look at.
type IdentityInput struct {
	// Root is the filesystem root under which etc/passwd, etc/group, tmp and
	// the nss_wrapper library are looked up. Default: "/".
	Root string
	// UID and GID are the identity the command runs as (the launcher's own).
	UID, GID int
	// Getenv reads HOME, TMPDIR and LD_PRELOAD. Default: os.LookupEnv.
	Getenv func(string) (string, bool)
	// UserName is the passwd name for a uid without an entry
	// (LAUNCHER_USER). Default: DefaultUserName.
	UserName string
	// Writable reports whether the process may write to path (and, for a
	// directory, search it). It receives paths already joined to Root.
	// Default: faccessat(2) with AT_EACCESS, which creates nothing.
	Writable func(path string) bool
	// Log receives one line per change made. Default: discard.
	Log *slog.Logger
	// BeforeChange runs before ApplyHome creates or changes anything (a
	// home directory, a passwd line, nss_wrapper files), so the caller can
	// first make sure a signal would clean it up. Default: nothing.
	BeforeChange func()
}

// setDefaults fills in the defaults of the fields left unset. In place: a
// copy would sit in the frames of PlanHome and ApplyHome, which run deep
// in the launcher's start-up stack (see cmd/launcher's run).
func (in *IdentityInput) setDefaults() {
	if in.Root == "" {
		in.Root = "/"
	}
	if in.Getenv == nil {
		in.Getenv = os.LookupEnv
	}
	if in.UserName == "" {
		in.UserName = DefaultUserName
	}
	if in.Writable == nil {
		in.Writable = accessWritable
	}
	if in.Log == nil {
		in.Log = slog.New(slog.DiscardHandler)
	}
	if in.BeforeChange == nil {
		in.BeforeChange = func() {}
	}
}

// host maps a path as the command sees it onto the filesystem under Root.
func (in *IdentityInput) host(path string) string {
	return filepath.Join(in.Root, path)
}
