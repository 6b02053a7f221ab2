// Package cgroup finds the memory and CPU limits that actually apply to the
// current process, read-only, from files below an injectable root directory
// (where proc/ and sys/ live; production passes "/").
//
// It handles cgroup v1 (including hybrid hosts), cgroup v2 and hosts with no
// cgroup file system, with or without a private cgroup namespace. Missing or
// malformed files never fail detection: they mean "unknown" and come back as
// warnings.
package cgroup
