package standin

import (
	"bufio"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Config says where the stand-in listens and what it expects.
type Config struct {
	// HTTPAddr is the web listener. Default: 127.0.0.1:0.
	HTTPAddr string
	// AgentAddr is the advertised TCP agent port. Default: 127.0.0.1:0.
	AgentAddr string
	// Secret is what a connecting agent must present for SecretOK.
	Secret string
	// AgentJar is the file served at /jnlpJars/agent.jar; empty answers 404.
	AgentJar string
	// Logger gets one line per event. Default: discard.
	Logger *slog.Logger
	// OnReport, if set, is called with each accepted report.
	OnReport func(Report)
}

// Controller is a running stand-in. Close it when done.
type Controller struct {
	cfg      Config
	log      *slog.Logger
	headers  http.Header
	httpLn   net.Listener
	agentLn  net.Listener
	srv      *http.Server
	wg       sync.WaitGroup
	mu       sync.Mutex
	reports  []Report
	changed  chan struct{} // closed and replaced whenever reports or discoveries change
	discover int
}

// Start listens on both ports and serves until Close.
func Start(cfg Config) (*Controller, error) {
	if cfg.HTTPAddr == "" {
		cfg.HTTPAddr = "127.0.0.1:0"
	}
	if cfg.AgentAddr == "" {
		cfg.AgentAddr = "127.0.0.1:0"
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	id, err := newIdentity()
	if err != nil {
		return nil, err
	}
	agentLn, err := net.Listen("tcp", cfg.AgentAddr)
	if err != nil {
		return nil, fmt.Errorf("listen for agents on %q: %w", cfg.AgentAddr, err)
	}
	httpLn, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		agentLn.Close()
		return nil, fmt.Errorf("listen for HTTP on %q: %w", cfg.HTTPAddr, err)
	}
	c := &Controller{
		cfg:     cfg,
		log:     log,
		headers: discoveryHeaders(agentLn.Addr().(*net.TCPAddr).Port, id),
		httpLn:  httpLn,
		agentLn: agentLn,
		changed: make(chan struct{}),
	}
	c.srv = &http.Server{Handler: c.routes(), ReadHeaderTimeout: 5 * time.Second}
	c.wg.Add(2)
	go func() {
		defer c.wg.Done()
		if err := c.srv.Serve(httpLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
			c.log.Error("http server stopped", "err", err)
		}
	}()
	go func() {
		defer c.wg.Done()
		c.acceptAgents()
	}()
	log.Info("stand-in controller listening", "url", c.URL(), "agent_port", c.AgentPort())
	return c, nil
}

// URL is the controller's root URL with a trailing slash, as Jenkins gives it.
func (c *Controller) URL() string {
	return "http://" + c.httpLn.Addr().String() + "/"
}

// AgentPort is the advertised TCP agent port.
func (c *Controller) AgentPort() int {
	return c.agentLn.Addr().(*net.TCPAddr).Port
}

// AgentAddr is the TCP agent listener's host:port, as a -direct
// connection (JENKINS_DIRECT_CONNECTION) names it.
func (c *Controller) AgentAddr() string {
	return c.agentLn.Addr().String()
}

// InstanceIdentity is the advertised X-Instance-Identity (base64 public key).
func (c *Controller) InstanceIdentity() string {
	return c.headers.Get("X-Instance-Identity")
}

// Close stops both listeners and waits for the handlers.
func (c *Controller) Close() error {
	err := c.srv.Close()
	c.agentLn.Close()
	c.wg.Wait()
	return err
}

// Reports returns a copy of the reports received so far.
func (c *Controller) Reports() []Report {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Report(nil), c.reports...)
}

// Discoveries counts GET /tcpSlaveAgentListener/ requests.
func (c *Controller) Discoveries() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.discover
}

// WaitReport waits for the first report from the agent called name.
func (c *Controller) WaitReport(ctx context.Context, name string) (Report, error) {
	for {
		c.mu.Lock()
		for _, r := range c.reports {
			if r.Name == name {
				c.mu.Unlock()
				return r, nil
			}
		}
		ch := c.changed
		c.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return Report{}, fmt.Errorf("no report from agent %q: %w", name, ctx.Err())
		}
	}
}

func (c *Controller) notify() {
	close(c.changed)
	c.changed = make(chan struct{})
}

func (c *Controller) acceptAgents() {
	for {
		conn, err := c.agentLn.Accept()
		if err != nil {
			return // closed
		}
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			defer conn.Close()
			c.serveAgent(conn)
		}()
	}
}

// maxReport bounds one report line; real ones are a few KiB.
const maxReport = 1 << 20

func (c *Controller) serveAgent(conn net.Conn) {
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	r, err := c.readReport(conn)
	if err != nil {
		c.log.Warn("agent connection rejected", "from", conn.RemoteAddr().String(), "err", err)
		io.WriteString(conn, "ERR\n")
		return
	}
	r.RemoteAddr = conn.RemoteAddr().String()
	c.mu.Lock()
	c.reports = append(c.reports, r)
	c.notify()
	c.mu.Unlock()
	c.log.Info(fmt.Sprintf("agent %s connected from %s", r.Name, r.RemoteAddr), "secret_ok", r.SecretOK)
	if c.cfg.OnReport != nil {
		c.cfg.OnReport(r)
	}
	io.WriteString(conn, "OK\n")
}

// readReport reads and checks one JSON line; the secret is compared and
// dropped here so that nothing downstream can print it.
func (c *Controller) readReport(rd io.Reader) (Report, error) {
	line, err := bufio.NewReader(io.LimitReader(rd, maxReport)).ReadBytes('\n')
	if err != nil {
		return Report{}, fmt.Errorf("read report line: %w", err)
	}
	var r Report
	if err := json.Unmarshal(line, &r); err != nil {
		return Report{}, fmt.Errorf("decode report: %w", err)
	}
	if r.Name == "" {
		return Report{}, errors.New("report has no agent name")
	}
	r.SecretOK = c.cfg.Secret != "" && subtle.ConstantTimeCompare([]byte(r.Secret), []byte(c.cfg.Secret)) == 1
	r.Secret = ""
	return r, nil
}

func (c *Controller) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /tcpSlaveAgentListener/", func(w http.ResponseWriter, req *http.Request) {
		c.mu.Lock()
		c.discover++
		c.notify()
		c.mu.Unlock()
		c.log.Info("agent discovery", "node", req.Header.Get("Node-Name"), "from", req.RemoteAddr)
		for k, v := range c.headers {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Type", "text/plain;charset=utf-8")
		io.WriteString(w, "Jenkins")
	})
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("X-Jenkins", c.headers.Get("X-Jenkins"))
		w.Header().Set("Content-Type", "text/html;charset=utf-8")
		io.WriteString(w, "<html><body>Sign in to Jenkins</body></html>\n")
	})
	mux.HandleFunc("GET /jnlpJars/agent.jar", func(w http.ResponseWriter, req *http.Request) {
		if c.cfg.AgentJar == "" {
			http.NotFound(w, req)
			return
		}
		c.log.Info("agent.jar download", "from", req.RemoteAddr)
		w.Header().Set("Content-Type", "application/java-archive")
		http.ServeFile(w, req, c.cfg.AgentJar)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("X-Jenkins", c.headers.Get("X-Jenkins"))
		http.NotFound(w, req)
	})
	return mux
}

// discoveryHeaders are what a Jenkins 2.462 controller sends on
// /tcpSlaveAgentListener/.
func discoveryHeaders(port int, id identity) http.Header {
	h := http.Header{}
	h.Set("X-Jenkins", "2.462.3")
	h.Set("X-Hudson", "1.395")
	h.Set("X-Jenkins-Session", id.session)
	// Jenkins spells it this way; Set would canonicalise it to "Jnlp".
	h["X-Jenkins-JNLP-Port"] = []string{strconv.Itoa(port)}
	h.Set("X-Jenkins-Agent-Protocols", "JNLP4-connect, Ping")
	h.Set("X-Instance-Identity", id.publicKey)
	h.Set("X-Remoting-Minimum-Version", "3107.v665000b_51092")
	return h
}
