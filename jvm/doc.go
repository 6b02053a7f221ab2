// Package jvm decides how the Java virtual machine is started inside a
// container: it finds the java binary, reads its version, and turns the
// container's memory and CPU limits plus the user's own options into a
// memory plan and the exact flags that carry it out.
//
// Everything here is a pure function of its inputs except Inspect, which
// looks at the filesystem (and, as a last resort, runs `java -version`).
package jvm
