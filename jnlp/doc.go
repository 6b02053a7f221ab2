// Package jnlp is the launcher's Jenkins compatibility layer: it turns the
// environment and arguments that the official jenkins-agent script and the
// Kubernetes and ECS plugins use into one validated agent invocation, keeps
// the agent secret off command lines and disks, waits for the controller to
// be ready and makes sure agent.jar is there. It decides and checks; running
// Java is left to the caller.
package jnlp
