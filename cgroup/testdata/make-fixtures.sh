#!/bin/bash
# Rebuilds the fixture trees under testdata/detect and testdata/oom (they
# are committed; edit this script and rerun it to change them). Shapes of
# mountinfo lines come from real docker, podman, containerd and systemd hosts.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
T=$here/detect
rm -rf "$T"; mkdir -p "$T"
w() { mkdir -p "$(dirname "$F/$1")"; printf '%s\n' "$2" > "$F/$1"; }
meminfo() { w proc/meminfo "MemTotal:       $1 kB
MemFree:        $(( $1 / 2 )) kB
MemAvailable:   $(( $1 * 3 / 4 )) kB
Buffers:          102400 kB
Cached:          2048000 kB
SwapCached:            0 kB
SwapTotal:             0 kB
SwapFree:              0 kB"; }
online() { w sys/devices/system/cpu/online "$1"; }
SENT=9223372036854771712
# memory.stat with the hierarchical limits in their real place
memstat() { # file mem memsw(optional)
  local f=$1 m=$2 s=${3-}
  { printf 'cache 1310720\nrss 20480000\nrss_huge 0\nshmem 0\nmapped_file 540672\ndirty 0\nwriteback 0\nswap 0\npgpgin 41211\npgpgout 35870\npgfault 52830\npgmajfault 7\ninactive_anon 20205568\nactive_anon 135168\ninactive_file 675840\nactive_file 634880\nunevictable 0\n'
    printf 'hierarchical_memory_limit %s\n' "$m"
    [ -n "$s" ] && printf 'hierarchical_memsw_limit %s\n' "$s"
    printf 'total_cache 1310720\ntotal_rss 20480000\ntotal_rss_huge 0\ntotal_shmem 0\ntotal_mapped_file 540672\n'
  } > "$F/$f"; }
v1mountinfo() { # root-path cpu-mount-name
  local r=$1 cpu=${2:-cpu,cpuacct}
  w proc/self/mountinfo "712 654 0:58 / / rw,relatime master:1 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/ABC:/var/lib/docker/overlay2/l/DEF,upperdir=/var/lib/docker/overlay2/9f1/diff,workdir=/var/lib/docker/overlay2/9f1/work
713 712 0:61 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
714 712 0:62 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755
715 714 0:63 / /dev/pts rw,nosuid,noexec,relatime - devpts devpts rw,gid=5,mode=620,ptmxmode=666
716 712 0:64 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro
717 716 0:65 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,mode=755
718 717 0:29 $r /sys/fs/cgroup/systemd ro,nosuid,nodev,noexec,relatime master:11 - cgroup cgroup rw,xattr,name=systemd
719 717 0:32 $r /sys/fs/cgroup/blkio ro,nosuid,nodev,noexec,relatime master:15 - cgroup cgroup rw,blkio
720 717 0:33 $r /sys/fs/cgroup/$cpu ro,nosuid,nodev,noexec,relatime master:16 - cgroup cgroup rw,${cpu}
721 717 0:34 $r /sys/fs/cgroup/memory ro,nosuid,nodev,noexec,relatime master:17 - cgroup cgroup rw,memory
722 717 0:35 $r /sys/fs/cgroup/pids ro,nosuid,nodev,noexec,relatime master:18 - cgroup cgroup rw,pids
723 717 0:36 $r /sys/fs/cgroup/cpuset ro,nosuid,nodev,noexec,relatime master:19 - cgroup cgroup rw,cpuset
724 717 0:37 $r /sys/fs/cgroup/devices ro,nosuid,nodev,noexec,relatime master:20 - cgroup cgroup rw,devices
725 712 254:1 /var/lib/docker/containers/4f2a/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/vda1 rw
726 714 0:60 / /dev/shm rw,nosuid,nodev,noexec,relatime - tmpfs shm rw,size=65536k"; }
v1cgroup() { # path cpu-controllers
  local p=$1 cpu=${2:-cpu,cpuacct}
  w proc/self/cgroup "12:devices:$p
11:cpuset:$p
10:pids:$p
9:memory:$p
8:$cpu:$p
7:blkio:$p
1:name=systemd:$p
0::/system.slice/containerd.service"; }
v2mountinfo() { # mount-root
  w proc/self/mountinfo "1502 1411 0:356 / / rw,relatime master:591 - overlay overlay rw,lowerdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/41/fs,upperdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/42/fs,workdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/42/work
1503 1502 0:358 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
1504 1502 0:359 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755
1507 1502 0:330 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro
1508 1507 0:27 $1 /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup rw,nsdelegate,memory_recursiveprot
1509 1502 259:1 /var/lib/kubelet/pods/0b6a/etc-hosts /etc/hosts rw,relatime - ext4 /dev/nvme0n1p1 rw,discard"; }
v1mem() { # dir limit memsw
  w "$1/memory.limit_in_bytes" "$2"
  [ -n "${3-}" ] && w "$1/memory.memsw.limit_in_bytes" "$3"
  w "$1/memory.oom_control" "oom_kill_disable 0
under_oom 0
oom_kill 0"; true; }
v1cpu() { w "$1/cpu.cfs_quota_us" "$2"; w "$1/cpu.cfs_period_us" "$3"; w "$1/cpu.shares" 1024; }
v2grp() { # dir memory.max swap.max cpu.max
  w "$1/memory.max" "$2"; [ -n "$3" ] && w "$1/memory.swap.max" "$3"; w "$1/cpu.max" "$4"
  w "$1/memory.events" "low 0
high 0
max 0
oom 0
oom_kill 0
oom_group_kill 0"; true; }

ID=4f2a8c1e9b7d3f6a0c5e2b8d1a7f9c3e6b0d4a8f2c7e1b5d9a3f6c0e8b2d4a71
C=/sys/fs/cgroup

# --- v1 docker without a cgroup namespace: host paths, mount root = own group
F=$T/v1-docker-host-paths; meminfo 16318440; online 0-3
v1mountinfo /docker/$ID; v1cgroup /docker/$ID
v1mem $C/memory 536870912 1073741824; memstat $C/memory/memory.stat 536870912 1073741824
v1cpu "$C/cpu,cpuacct" 150000 100000; w $C/cpuset/cpuset.cpus 0-3

# --- v1 podman --cgroupns=private (shape copied from this host)
F=$T/v1-private-ns; meminfo 24683656; online 0-3
w proc/self/mountinfo "77 50 0:40 / / rw,relatime - overlay overlay rw,lowerdir=/var/lib/containers/storage/overlay/l/LJHD,upperdir=/var/lib/containers/storage/overlay/8452/diff,workdir=/var/lib/containers/storage/overlay/8452/work,uuid=on
78 77 0:43 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
80 77 0:45 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro
88 80 0:47 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,mode=755
89 88 0:29 / /sys/fs/cgroup/cpu ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,cpu
90 88 0:30 / /sys/fs/cgroup/cpuacct ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,cpuacct
91 88 0:31 / /sys/fs/cgroup/cpuset ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,cpuset
92 88 0:32 / /sys/fs/cgroup/memory ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,memory
96 88 0:36 / /sys/fs/cgroup/pids ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,pids
97 88 0:37 / /sys/fs/cgroup/systemd ro,nosuid,nodev,noexec,relatime - cgroup systemd rw,name=systemd"
w proc/self/cgroup "9:name=systemd:/
8:pids:/
4:memory:/
3:cpuset:/
2:cpuacct:/
1:cpu:/
0::/"
v1mem $C/memory 314572800 629145600; memstat $C/memory/memory.stat 314572800 629145600
v1cpu $C/cpu -1 100000; w $C/cpuset/cpuset.cpus 0

# --- v2 private namespace (docker/podman default on v2 hosts)
F=$T/v2-private-ns; meminfo 8029876; online 0-3
v2mountinfo /; w proc/self/cgroup "0::/"
v2grp $C 268435456 0 "max 100000"; w $C/cpuset.cpus.effective 0-3

# --- v2 kubernetes, host cgroupns, limit only on the pod slice
POD=kubepods-burstable-pod0b6a4c2e_5d1f_4e8a_9c3b_7a2d6f1e8b40.slice
SCOPE=cri-containerd-9d3c7b1a5e8f2d6c0b4a9e7f3d1c5b8a2e6f0d4c9b7a3e1f5d8c2b6a0e4f7d39.scope
KP=/kubepods.slice/kubepods-burstable.slice/$POD/$SCOPE
F=$T/v2-k8s-pod-limit-on-pod-level; meminfo 16318440; online 0-3
v2mountinfo /; w proc/self/cgroup "0::$KP"
w $C/cpuset.cpus.effective 0-3; w $C/cgroup.controllers "cpuset cpu io memory hugetlb pids rdma misc"
v2grp $C/kubepods.slice 15837691904 max "max 100000"
v2grp $C/kubepods.slice/kubepods-burstable.slice max max "max 100000"
v2grp $C/kubepods.slice/kubepods-burstable.slice/$POD 1073741824 0 "200000 100000"
v2grp $C$KP max max "max 100000"

# --- v2 kubernetes with a private cgroup namespace: the pod limit is above
F=$T/v2-k8s-private-ns-pod-limit-invisible; meminfo 16318440; online 0-3
v2mountinfo /; w proc/self/cgroup "0::/"
v2grp $C max max "max 100000"; w $C/cpuset.cpus.effective 0-3

# --- v1 ECS Fargate: container unlimited, task limit seen only through memory.stat
TASK=1c9a2b7e4d3f4a8b9e0c6d5f2a1b3c4d
EP=/ecs/$TASK/$TASK-2841927563
F=$T/v1-ecs-fargate-task-limit; meminfo 3936544; online 0-1
v1mountinfo $EP; v1cgroup $EP
v1mem $C/memory $SENT; memstat $C/memory/memory.stat 536870912
v1cpu "$C/cpu,cpuacct" -1 100000; w $C/cpuset/cpuset.cpus 0-1

# --- v2 systemd service in a slice: memory on the slice, CPU on the unit
SV=/system.slice/jenkins.slice/jenkins-agent.service
F=$T/v2-systemd-slice-limit; meminfo 32657412; online 0-7
v2mountinfo /
w proc/self/mountinfo "22 29 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
23 29 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw
26 23 0:24 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
29 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro
31 26 0:26 / /sys/fs/bpf rw,nosuid,nodev,noexec,relatime shared:7 - bpf bpf rw,mode=700
35 29 0:29 / /run/user/1000 rw,nosuid,nodev,relatime shared:60 - tmpfs tmpfs rw,size=3265740k,nr_inodes=816435,mode=700,uid=1000,gid=1000"
w proc/self/cgroup "0::$SV"
w $C/cpuset.cpus.effective 0-7
v2grp $C/system.slice max max "max 100000"
v2grp $C/system.slice/jenkins.slice 2147483648 "" "max 100000"
v2grp $C$SV max "" "50000 100000"

# --- hybrid: v1 controllers plus cgroup2 at /sys/fs/cgroup/unified (this host's layout)
HS=/system.slice/jenkins-agent.service
F=$T/hybrid; meminfo 24683656; online 0-3
w proc/self/mountinfo "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
22 27 0:21 / /proc rw,relatime - proc proc rw
23 27 0:22 / /sys rw,relatime - sysfs sysfs rw
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids"
w proc/self/cgroup "9:name=systemd:$HS
8:pids:$HS
4:memory:$HS
3:cpuset:/
2:cpu,cpuacct:$HS
0::$HS"
v1mem $C/memory $SENT $SENT; memstat $C/memory/memory.stat $SENT $SENT
v1mem $C/memory/system.slice $SENT $SENT
v1mem $C/memory$HS 1073741824 $SENT; memstat $C/memory$HS/memory.stat 1073741824 $SENT
v1cpu "$C/cpu,cpuacct" -1 100000; v1cpu "$C/cpu,cpuacct/system.slice" -1 100000
v1cpu "$C/cpu,cpuacct$HS" 200000 100000
w $C/cpuset/cpuset.cpus 0-3
v2grp $C/unified$HS 536870912 "" "50000 100000" # ignored: hybrid limits are v1

# --- nothing mounted (a chroot, or /sys not mounted)
F=$T/none-mounted; meminfo 16318440; online 0-3
w proc/self/mountinfo "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
22 27 0:21 / /proc rw,relatime - proc proc rw"
w proc/self/cgroup "0::/"

# --- garbage: every file malformed
F=$T/garbage
w proc/meminfo "MemTotal: lots kB"
w sys/devices/system/cpu/online "zero-three"
w proc/self/mountinfo "this is not a mount
720 717 0:33 /docker/x /sys/fs/cgroup/cpu ro - cgroup cgroup rw,cpu
721 717 0:34 /docker/x /sys/fs/cgroup/memory ro - cgroup cgroup rw,memory
723 717 0:36 /docker/x /sys/fs/cgroup/cpuset ro - cgroup cgroup rw,cpuset
1 2 3 - cgroup
- - -"
w proc/self/cgroup "9:memory
x:cpu:/docker/x
3:cpuset:relative
9:memory:/docker/x
8:cpu:/docker/x
3:cpuset:/docker/x"
w $C/memory/memory.limit_in_bytes "12abc"
w $C/memory/memory.memsw.limit_in_bytes "-5"
w $C/memory/memory.stat "hierarchical_memory_limit lots
hierarchical_memsw_limit 1e9"
w $C/cpu/cpu.cfs_quota_us "fast"
w $C/cpu/cpu.cfs_period_us "100000"
w $C/cpuset/cpuset.cpus "3-1"

# --- garbage on v2
F=$T/garbage-v2; meminfo 16318440; online 0-3
v2mountinfo /; w proc/self/cgroup "0::/"
w $C/memory.max "max max"; w $C/memory.swap.max "-1"; w $C/cpu.max "150000"
w $C/cpuset.cpus.effective "0-3,,"

# --- v2 unlimited everywhere, host cgroupns
DS=/system.slice/docker-$ID.scope
F=$T/v2-max; meminfo 16318440; online 0-3
v2mountinfo /; w proc/self/cgroup "0::$DS"
w $C/cpuset.cpus.effective 0-3
v2grp $C/system.slice max max "max 100000"
v2grp $C$DS max max "max 100000"

# --- v1 limit above the machine's memory
F=$T/v1-above-memtotal; meminfo 16318440; online 0-3
v1mountinfo /docker/$ID; v1cgroup /docker/$ID
v1mem $C/memory 68719476736 137438953472; memstat $C/memory/memory.stat 68719476736 137438953472
v1cpu "$C/cpu,cpuacct" -1 100000; w $C/cpuset/cpuset.cpus 0-3

# --- only a cpuset restricts CPUs
F=$T/cpuset-only; meminfo 16318440; online 0-3
v1mountinfo /docker/$ID; v1cgroup /docker/$ID
v1mem $C/memory $SENT $SENT; memstat $C/memory/memory.stat $SENT $SENT
v1cpu "$C/cpu,cpuacct" -1 100000; w $C/cpuset/cpuset.cpus 0,2

# --- group path not below the mount root
F=$T/untranslatable; meminfo 16318440; online 0-3
v1mountinfo /docker/$ID; v1cgroup /kubepods/besteffort/pod1f2e/0c9d
v1mem $C/memory 268435456 268435456; memstat $C/memory/memory.stat 268435456 268435456
v1cpu "$C/cpu,cpuacct" 100000 100000; w $C/cpuset/cpuset.cpus 0-3

# --- v2 group outside the namespace ("/.." path)
F=$T/v2-outside-namespace; meminfo 16318440; online 0-3
v2mountinfo /; w proc/self/cgroup "0::/../../system.slice/other.service"
v2grp $C 805306368 max "max 100000"; w $C/cpuset.cpus.effective 0-3

# --- v1 quota of 4 CPUs, cpuset naming 4 CPUs of which 2 are online
F=$T/v1-quota-above-cpuset; meminfo 16318440; online 0-1
v1mountinfo /docker/$ID; v1cgroup /docker/$ID
v1mem $C/memory $SENT $SENT; memstat $C/memory/memory.stat $SENT $SENT
v1cpu "$C/cpu,cpuacct" 400000 100000; w $C/cpuset/cpuset.cpus 0-3

# --- v2 quota of 4 CPUs, effective cpuset = every online CPU (2)
F=$T/v2-quota-above-cpuset; meminfo 16318440; online 0-1
v2mountinfo /; w proc/self/cgroup "0::/"
v2grp $C max max "400000 100000"; w $C/cpuset.cpus.effective 0-1

# --- v2 quota of 4 CPUs on 2 online, no cpuset controller enabled
F=$T/v2-quota-above-online; meminfo 16318440; online 0-1
v2mountinfo /; w proc/self/cgroup "0::/"
v2grp $C max max "400000 100000"

# --- CFS period of zero
F=$T/zero-period; meminfo 16318440; online 0-3
v1mountinfo /docker/$ID; v1cgroup /docker/$ID
v1mem $C/memory $SENT $SENT; memstat $C/memory/memory.stat $SENT $SENT
v1cpu "$C/cpu,cpuacct" 50000 0; w $C/cpuset/cpuset.cpus 0-3

# --- OOM counters
O=$here/oom; rm -rf "$O"
F=$O/v1; w memory.oom_control "oom_kill_disable 0
under_oom 0
oom_kill 3"
F=$O/v2; w memory.events "low 0
high 12
max 40
oom 2
oom_kill 2
oom_group_kill 0"
F=$O/old-kernel; w memory.oom_control "oom_kill_disable 0
under_oom 0"
F=$O/garbage; w memory.oom_control "oom_kill_disable 0
oom_kill many"

# --- v1 host process, limit on a visible parent, memory.stat without hierarchical lines
F=$T/v1-parent-limit-walk; meminfo 16318440; online 0-3
w proc/self/mountinfo "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory"
w proc/self/cgroup "4:memory:/jenkins/agent-7
1:cpu:/jenkins/agent-7"
v1mem $C/memory $SENT; v1mem $C/memory/jenkins 805306368 1073741824; v1mem $C/memory/jenkins/agent-7 $SENT $SENT
w $C/memory/jenkins/agent-7/memory.stat "cache 0
rss 0
total_cache 0"
v1cpu $C/cpu -1 100000; v1cpu $C/cpu/jenkins 75000 100000; v1cpu $C/cpu/jenkins/agent-7 -1 100000

# --- v2 without a cgroup namespace where only the container's own group is mounted
F=$T/v2-host-path-own-group; meminfo 16318440; online 0-3
v2mountinfo $KP; w proc/self/cgroup "0::$KP"
v2grp $C 536870912 max "100000 100000"; w $C/cpuset.cpus.effective 0-1

# --- /proc trees for NprocFree (RLIMIT_NPROC): the user's threads and
# whether the kernel exempts it. Only the fields it reads, in the kernel's
# order.
N=$here/nproc
rm -rf "$N"; mkdir -p "$N"
status() { # pid real-uid threads [CapEff]
  w proc/$1/status "Name:	p$1
State:	S (sleeping)
Tgid:	$1
Pid:	$1
Uid:	$2	$2	$2	$2
Gid:	0	0	0	0
VmRSS:	    1024 kB
Threads:	$3
SigQ:	0/63672
CapEff:	${4:-0000000000000000}"; }
self() { # uid_map CapEff
  w proc/self/uid_map "$1"
  w proc/self/status "Name:	launcher
Uid:	0	0	0	0
Threads:	5
CapEff:	$2"; }
INIT="         0          0 4294967295"
# OpenShift's arbitrary UID: the launcher (5 threads), a JVM (21), a
# build's shell, and a root process that does not count. 42 has ended:
# its directory is there, its status is not.
F=$N/arbitrary-uid; self "$INIT" 0000000000000000
status 1 1000100000 5; status 12 1000100000 21; status 30 1000100000 1; status 31 0 3
w proc/42/cmdline ""; w proc/meminfo "MemTotal: 1 kB"
# Root of the host: exempt.
F=$N/host-root; self "$INIT" 000001ffffffffff; status 1 0 5
# Another user with CAP_SYS_RESOURCE in the initial namespace: exempt.
F=$N/cap-sys-resource; self "$INIT" 0000000001000000; status 1 1000 5
# Rootless podman: root inside is uid 100000 outside; counted.
F=$N/userns-root; self "         0     100000      65536" 000001ffffffffff
status 1 0 5; status 7 0 2
# A user namespace that maps its root onto the host's: exempt.
F=$N/userns-host-root; self "         0          0          1
         1     100000      65535" 0000000000000000; status 1 0 5
