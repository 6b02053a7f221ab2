package entrypoint

import (
	"fmt"
	"os"
)

// ApplyHome carries out a plan from PlanHome and returns the environment
// changes for the command. cleanup removes what was created (a fallback
// home, the nss_wrapper directory) and is meant only for a launcher that
// aborts before starting the command; an appended passwd line stays, as it
// is just as right on the next start. A home that fails at the last moment
// falls back like PlanHome would; only when no home is usable at all is
// the error (wrapping ErrNoHome) returned. Passwd trouble is never fatal:
// it degrades to nss_wrapper, then to USER and LOGNAME, with a warning.
func ApplyHome(in IdentityInput, p HomePlan) (env []string, cleanup func(), err error) {
	return ApplyHomeInto(&in, &p)
}

// ApplyHomeInto is ApplyHome updating p: after a late fallback, p is the
// home the command gets (Path, Action, Reason), which the caller must use
// from then on for everything it derives from the home.
func ApplyHomeInto(in *IdentityInput, p *HomePlan) (env []string, cleanup func(), err error) {
	in.setDefaults()
	var undo []func()
	cleanup = func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	if err := in.applyHomeDir(p, &undo); err != nil {
		cleanup()
		return nil, func() {}, err
	}
	if cur, ok := in.Getenv("HOME"); !ok || cur != p.Path {
		env = append(env, "HOME="+p.Path)
	}
	pw, err := in.applyPasswd(p, &undo)
	if err != nil {
		cleanup()
		return nil, func() {}, err
	}
	return append(env, pw...), cleanup, nil
}

// applyHomeDir makes p.Path a writable directory, switching p to a fallback
// when a kept or passwd home fails the write test.
func (in *IdentityInput) applyHomeDir(p *HomePlan, undo *[]func()) error {
	if p.Action != HomeKept && p.Action != HomePasswd {
		return in.makeHomeDir(p, undo)
	}
	if err := probeWritable(in.host(p.Path), p.Path); err != nil {
		return in.replaceHomeDir(p, undo, err)
	}
	if p.Action == HomePasswd {
		in.Log.Info("using the passwd home", "home", p.Path, "reason", p.Reason)
	}
	return nil
}

// replaceHomeDir switches p to a fallback home when the kept or passwd
// home failed the write test with err, and makes it. This and makeHomeDir
// are functions of their own: the common case, a home that passes, then
// has a small frame on the launcher's start-up stack (see cmd/launcher's
// run).
func (in *IdentityInput) replaceHomeDir(p *HomePlan, undo *[]func(), err error) error {
	in.Log.Warn("home failed the write test, using a fallback", "home", p.Path, "err", err)
	reasons := []string{err.Error()}
	if p.Reason != "" {
		reasons = []string{p.Reason, err.Error()}
	}
	path, action, reason, ferr := in.planFallback(reasons)
	if ferr != nil {
		return ferr
	}
	p.Path, p.Action, p.Reason = path, action, reason
	return in.makeHomeDir(p, undo)
}

// makeHomeDir creates or reuses the fallback home p.Path.
func (in *IdentityInput) makeHomeDir(p *HomePlan, undo *[]func()) error {
	switch p.Action {
	case HomeCreate, HomeReuse:
	default:
		return fmt.Errorf("%w: action %q is not one of %s, %s, %s, %s", errUnknownPlan, p.Action, HomeKept, HomePasswd, HomeCreate, HomeReuse)
	}
	host := in.host(p.Path)
	in.BeforeChange()
	created, err := makeOwnedDir(host, p.Path, in.UID)
	if created {
		*undo = append(*undo, func() { os.RemoveAll(host) })
	}
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNoHome, err)
	}
	if err := probeWritable(host, p.Path); err != nil {
		return fmt.Errorf("%w: %v", ErrNoHome, err)
	}
	verb := "reusing home directory"
	if created {
		verb = "created home directory"
	}
	in.Log.Info(verb, "home", p.Path, "reason", p.Reason)
	return nil
}

// applyPasswd gives a uid without an entry one, as well as it can.
func (in *IdentityInput) applyPasswd(p *HomePlan, undo *[]func()) ([]string, error) {
	if p.Passwd == PasswdPresent {
		return nil, nil
	}
	return in.addEntry(*p, undo)
}

// addEntry is applyPasswd for a uid without an entry, in a function of its
// own: its frame (1.4 KiB) would otherwise be on the stack of every start,
// deep in the launcher's start-up path (see cmd/launcher's run).
func (in *IdentityInput) addEntry(p HomePlan, undo *[]func()) ([]string, error) {
	switch p.Passwd {
	case PasswdMissing:
		return in.missingEntry(p), nil
	case PasswdAppend, PasswdNSSWrapper:
	default:
		return nil, fmt.Errorf("%w: passwd %q is not one of %s, %s, %s, %s", errUnknownPlan, p.Passwd, PasswdPresent, PasswdAppend, PasswdNSSWrapper, PasswdMissing)
	}
	line, err := passwdLine(PasswdEntry{Name: p.User, UID: p.UID, GID: p.GID, Gecos: "launcher", Home: p.Path, Shell: "/bin/sh"})
	if err != nil {
		in.Log.Warn("cannot add a passwd entry", "err", err)
		return in.missingEntry(p), nil
	}
	in.BeforeChange()
	if p.Passwd == PasswdAppend {
		err := appendPasswd(in.host(etcPasswd), line)
		if err == nil {
			in.Log.Info("appended passwd entry", "file", etcPasswd, "user", p.User, "uid", p.UID, "home", p.Path)
			return userEnv(p.User), nil
		}
		in.Log.Warn("cannot append passwd entry, trying nss_wrapper", "err", err)
	}
	if p.NSSWrapper == "" {
		p.NSSWrapper = in.findNSSWrapper()
	}
	if p.NSSWrapper == "" {
		in.Log.Warn("nss_wrapper is not installed", "dirs", nssLibDirs())
		return in.missingEntry(p), nil
	}
	env, dir, created, err := in.writeNSSFiles(p, line)
	if created {
		host := in.host(dir)
		*undo = append(*undo, func() { os.RemoveAll(host) })
	}
	if err != nil {
		in.Log.Warn("cannot set up nss_wrapper", "dir", dir, "err", err)
		return in.missingEntry(p), nil
	}
	in.Log.Info("passwd entry provided through nss_wrapper", "library", p.NSSWrapper, "dir", dir, "user", p.User, "uid", p.UID)
	return append(env, userEnv(p.User)...), nil
}

// missingEntry is the last resort: programs that ask the environment
// rather than getpwuid(3) still find a name.
func (in *IdentityInput) missingEntry(p HomePlan) []string {
	name := p.User
	if name == "" {
		name = chooseName(in.readPasswd(), in.UserName, p.UID)
	}
	in.Log.Warn("uid has no passwd entry: tools that look it up (ssh, old git, Java user.home) may fail",
		"uid", p.UID, "user", name)
	return userEnv(name)
}

func userEnv(name string) []string {
	return []string{"USER=" + name, "LOGNAME=" + name}
}
