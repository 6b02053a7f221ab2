package entrypoint

// identityCase is one scenario; its name is the fixture directory under
// testdata/identity. The same table drives TestPlanHome (injected access
// check) and TestRootApplyHome (real permissions, real other uid), so the
// seam is checked against the kernel.
type identityCase struct {
	name     string
	uid, gid int
	env      map[string]string
	readOnly []string       // paths under the root the uid may not write
	owners   map[string]int // paths under the root chowned to a uid
	want     HomePlan
	wantErr  error
	wantEnv  []string
}

const openshiftUID = 1000100000

func identityCases() []identityCase {
	const nobody = 65534
	nss := "/tmp/home-1000100000/.launcher-nss"
	return []identityCase{
		{
			name: "entry-present-home-fine", uid: 1000, gid: 1000,
			env:    map[string]string{"HOME": "/home/jenkins"},
			owners: map[string]int{"home/jenkins": 1000},
			want:   HomePlan{Path: "/home/jenkins", Action: HomeKept, Passwd: PasswdPresent, User: "jenkins", UID: 1000, GID: 1000},
		},
		{
			// access(2) lets a regular file pass as writable; the
			// run's write test would then fail after the plan said
			// "kept" and a JVM was given it as user.home.
			name: "home-is-a-file", uid: nobody, gid: nobody,
			env:     map[string]string{"HOME": "/srv/home"},
			want:    HomePlan{Path: "/tmp/home-65534", Action: HomeCreate, Passwd: PasswdPresent, User: "nobody", UID: nobody, GID: nobody, Reason: `HOME "/srv/home" is not a directory; passwd home of "nobody" "/nonexistent" is not writable`},
			wantEnv: []string{"HOME=/tmp/home-65534"},
		},
		{
			name: "nobody-home-nonexistent", uid: nobody, gid: nobody,
			env:     map[string]string{"HOME": "/nonexistent"},
			want:    HomePlan{Path: "/tmp/home-65534", Action: HomeCreate, Passwd: PasswdPresent, User: "nobody", UID: nobody, GID: nobody, Reason: `HOME "/nonexistent" is not writable`},
			wantEnv: []string{"HOME=/tmp/home-65534"},
		},
		{
			name: "openshift-no-entry-passwd-writable", uid: openshiftUID, gid: 0,
			env:     map[string]string{"HOME": "/"},
			want:    HomePlan{Path: "/tmp/home-1000100000", Action: HomeCreate, Passwd: PasswdAppend, User: "jenkins", UID: openshiftUID, Reason: `HOME "/" is the root directory`},
			wantEnv: []string{"HOME=/tmp/home-1000100000", "USER=jenkins", "LOGNAME=jenkins"},
		},
		{
			name: "no-entry-readonly-nss-wrapper", uid: openshiftUID, gid: 0,
			env:      map[string]string{"HOME": "/nonexistent", "LD_PRELOAD": "/usr/lib/libfoo.so"},
			readOnly: []string{"etc/passwd"},
			want:     HomePlan{Path: "/tmp/home-1000100000", Action: HomeCreate, Passwd: PasswdNSSWrapper, User: "jenkins", UID: openshiftUID, Reason: `HOME "/nonexistent" is not writable`, NSSWrapper: idMultiarchLib()},
			wantEnv: []string{"HOME=/tmp/home-1000100000", "LD_PRELOAD=/usr/lib/libfoo.so:" + idMultiarchLib(),
				"NSS_WRAPPER_PASSWD=" + nss + "/passwd", "NSS_WRAPPER_GROUP=" + nss + "/group", "USER=jenkins", "LOGNAME=jenkins"},
		},
		{
			name: "no-entry-readonly-no-nss-wrapper", uid: openshiftUID, gid: 0,
			env:      map[string]string{"HOME": "/nonexistent"},
			readOnly: []string{"etc/passwd"},
			want:     HomePlan{Path: "/tmp/home-1000100000", Action: HomeCreate, Passwd: PasswdMissing, User: "jenkins", UID: openshiftUID, Reason: `HOME "/nonexistent" is not writable`},
			wantEnv:  []string{"HOME=/tmp/home-1000100000", "USER=jenkins", "LOGNAME=jenkins"},
		},
		{
			name: "name-jenkins-taken", uid: openshiftUID, gid: 0,
			env:     map[string]string{"HOME": "/nonexistent"},
			want:    HomePlan{Path: "/tmp/home-1000100000", Action: HomeCreate, Passwd: PasswdAppend, User: "jenkins-1000100000", UID: openshiftUID, Reason: `HOME "/nonexistent" is not writable`},
			wantEnv: []string{"HOME=/tmp/home-1000100000", "USER=jenkins-1000100000", "LOGNAME=jenkins-1000100000"},
		},
		{
			name: "home-unset", uid: 1000, gid: 1000,
			owners:  map[string]int{"home/jenkins": 1000},
			want:    HomePlan{Path: "/home/jenkins", Action: HomePasswd, Passwd: PasswdPresent, User: "jenkins", UID: 1000, GID: 1000, Reason: "HOME is not set"},
			wantEnv: []string{"HOME=/home/jenkins"},
		},
		{
			name: "home-relative", uid: 1000, gid: 1000,
			env:     map[string]string{"HOME": "home/jenkins"},
			owners:  map[string]int{"home/jenkins": 1000},
			want:    HomePlan{Path: "/home/jenkins", Action: HomePasswd, Passwd: PasswdPresent, User: "jenkins", UID: 1000, GID: 1000, Reason: `HOME "home/jenkins" is not absolute`},
			wantEnv: []string{"HOME=/home/jenkins"},
		},
		{
			name: "home-root", uid: 1000, gid: 1000,
			env:     map[string]string{"HOME": "/"},
			owners:  map[string]int{"home/jenkins": 1000},
			want:    HomePlan{Path: "/home/jenkins", Action: HomePasswd, Passwd: PasswdPresent, User: "jenkins", UID: 1000, GID: 1000, Reason: `HOME "/" is the root directory`},
			wantEnv: []string{"HOME=/home/jenkins"},
		},
		{
			name: "fallback-symlink", uid: nobody, gid: nobody,
			env:     map[string]string{"HOME": "/nonexistent"},
			want:    HomePlan{Passwd: PasswdPresent, User: "nobody", UID: nobody, GID: nobody, Reason: `HOME "/nonexistent" is not writable; "/tmp/home-65534" is a symlink`},
			wantErr: ErrNoHome,
		},
		{
			name: "fallback-other-owner", uid: nobody, gid: nobody,
			env:     map[string]string{"HOME": "/nonexistent", "TMPDIR": "/scratch"},
			owners:  map[string]int{"scratch/home-65534": 4242},
			want:    HomePlan{Path: "/tmp/home-65534", Action: HomeCreate, Passwd: PasswdPresent, User: "nobody", UID: nobody, GID: nobody, Reason: `HOME "/nonexistent" is not writable; "/scratch/home-65534" is owned by uid 4242, not 65534`},
			wantEnv: []string{"HOME=/tmp/home-65534"},
		},
		{
			name: "fallback-reuse", uid: nobody, gid: nobody,
			env:     map[string]string{"HOME": "/nonexistent"},
			owners:  map[string]int{"tmp/home-65534": nobody},
			want:    HomePlan{Path: "/tmp/home-65534", Action: HomeReuse, Passwd: PasswdPresent, User: "nobody", UID: nobody, GID: nobody, Reason: `HOME "/nonexistent" is not writable`},
			wantEnv: []string{"HOME=/tmp/home-65534"},
		},
		{
			name: "tmp-not-writable", uid: nobody, gid: nobody,
			env:      map[string]string{"HOME": "/nonexistent"},
			readOnly: []string{"tmp"},
			want:     HomePlan{Passwd: PasswdPresent, User: "nobody", UID: nobody, GID: nobody, Reason: `HOME "/nonexistent" is not writable; cannot create "/tmp/home-65534": "/tmp" is not writable`},
			wantErr:  ErrNoHome,
		},
		{
			name: "podman-entry-home-root", uid: openshiftUID, gid: 0,
			env:     map[string]string{"HOME": "/"},
			want:    HomePlan{Path: "/tmp/home-1000100000", Action: HomeCreate, Passwd: PasswdPresent, User: "1000100000", UID: openshiftUID, Reason: `HOME "/" is the root directory`},
			wantEnv: []string{"HOME=/tmp/home-1000100000"},
		},
	}
}
