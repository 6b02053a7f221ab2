// Package entrypoint sets up the identity and home the command runs with and
// supervises it as PID 1: forwards signals, reaps zombies and passes its exit
// status on.
package entrypoint
