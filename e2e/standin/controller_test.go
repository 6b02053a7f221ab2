package standin

import (
	"bufio"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const testSecret = "s3cret-e2e"

func startTest(t *testing.T) *Controller {
	t.Helper()
	c, err := Start(Config{Secret: testSecret, AgentJar: filepath.Join("testdata", "agent.jar")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// sendReport plays the agent side: one line out, one acknowledgement back.
func sendReport(t *testing.T, c *Controller, payload []byte) string {
	t.Helper()
	conn, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(c.AgentPort())))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write(payload); err != nil {
		t.Fatal(err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.CloseWrite() // lets the unterminated case end with EOF
	}
	ack, _ := bufio.NewReader(conn).ReadString('\n')
	return strings.TrimSpace(ack)
}

func TestReports(t *testing.T) {
	tests := []struct {
		name     string
		ack      string
		agent    string
		secretOK bool
	}{
		{name: "good-secret", ack: "OK", agent: "agent-1", secretOK: true},
		{name: "wrong-secret", ack: "OK", agent: "agent-2"},
		{name: "no-secret", ack: "OK", agent: "agent-3"},
		{name: "no-name", ack: "ERR"},
		{name: "garbage", ack: "ERR"},
		{name: "unterminated", ack: "ERR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := startTest(t)
			payload, err := os.ReadFile(filepath.Join("testdata", "reports", tt.name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			if got := sendReport(t, c, payload); got != tt.ack {
				t.Fatalf("ack = %q, want %q", got, tt.ack)
			}
			got := c.Reports()
			if tt.ack != "OK" {
				if len(got) != 0 {
					t.Fatalf("rejected report was recorded: %+v", got)
				}
				return
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			r, err := c.WaitReport(ctx, tt.agent)
			if err != nil {
				t.Fatal(err)
			}
			if r.SecretOK != tt.secretOK {
				t.Errorf("SecretOK = %v, want %v", r.SecretOK, tt.secretOK)
			}
			if r.Secret != "" {
				t.Errorf("secret kept in the recorded report")
			}
			if !strings.HasPrefix(r.RemoteAddr, "127.0.0.1:") {
				t.Errorf("RemoteAddr = %q", r.RemoteAddr)
			}
		})
	}
}

func TestWaitReportTimesOut(t *testing.T) {
	c := startTest(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.WaitReport(ctx, "nobody"); err == nil {
		t.Fatal("WaitReport returned without a report")
	}
}

func TestDiscoveryHeaders(t *testing.T) {
	c := startTest(t)
	req, _ := http.NewRequest(http.MethodGet, c.URL()+"tcpSlaveAgentListener/", nil)
	req.Header.Set("Node-Name", "agent-1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "Jenkins" {
		t.Fatalf("status %d body %q", resp.StatusCode, body)
	}
	if got := resp.Header.Get("X-Jenkins-JNLP-Port"); got != strconv.Itoa(c.AgentPort()) {
		t.Errorf("X-Jenkins-JNLP-Port = %q, want %d", got, c.AgentPort())
	}
	if got := resp.Header.Get("X-Jenkins-Agent-Protocols"); got != "JNLP4-connect, Ping" {
		t.Errorf("X-Jenkins-Agent-Protocols = %q", got)
	}
	if got := resp.Header.Get("X-Instance-Identity"); got != c.InstanceIdentity() {
		t.Errorf("X-Instance-Identity %q, InstanceIdentity() %q", got, c.InstanceIdentity())
	}
	if want := "127.0.0.1:" + strconv.Itoa(c.AgentPort()); c.AgentAddr() != want {
		t.Errorf("AgentAddr() %q, want %q", c.AgentAddr(), want)
	}
	der, err := base64.StdEncoding.DecodeString(resp.Header.Get("X-Instance-Identity"))
	if err != nil {
		t.Fatalf("X-Instance-Identity is not base64: %v", err)
	}
	key, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		t.Fatalf("X-Instance-Identity is not a public key: %v", err)
	}
	if _, ok := key.(*rsa.PublicKey); !ok {
		t.Errorf("X-Instance-Identity is %T, want RSA", key)
	}
	for _, h := range []string{"X-Jenkins", "X-Hudson", "X-Jenkins-Session", "X-Remoting-Minimum-Version"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("header %s missing", h)
		}
	}
	if c.Discoveries() != 1 {
		t.Errorf("Discoveries = %d, want 1", c.Discoveries())
	}
}

func TestPaths(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("testdata", "agent.jar"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		path   string
		status int
		body   string
	}{
		{name: "login", path: "login", status: 200},
		{name: "agent-jar", path: "jnlpJars/agent.jar", status: 200, body: string(want)},
		{name: "unknown", path: "job/x/", status: 404},
	}
	c := startTest(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.Get(c.URL() + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.body != "" && string(body) != tt.body {
				t.Errorf("body %q, want %q", body, tt.body)
			}
		})
	}
}
