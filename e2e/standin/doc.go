// Package standin is a stand-in Jenkins controller for the end-to-end suite:
// just enough HTTP for an inbound agent and the launcher to discover it
// (/tcpSlaveAgentListener/ with real-looking headers, /login,
// /jnlpJars/agent.jar) and a TCP port on which the stand-in agent delivers
// its report.
package standin
