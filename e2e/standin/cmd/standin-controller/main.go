// Command standin-controller runs the stand-in Jenkins controller on the
// host for the demo: it logs one line per event on stderr and prints every
// agent report as indented JSON on stdout.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/jenkins-launcher/launcher/e2e/standin"
)

func main() {
	httpAddr := flag.String("http", "127.0.0.1:8080", "web listener (host:port)")
	agentAddr := flag.String("agent", "127.0.0.1:50000", "TCP agent listener (host:port)")
	jar := flag.String("jar", "", "file served at /jnlpJars/agent.jar")
	delay := flag.Duration("delay", 0, "wait this long before listening (a late controller)")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	// The secret comes from the environment so that it is not in ps output.
	secret := os.Getenv("STANDIN_SECRET")
	if secret == "" {
		log.Error("STANDIN_SECRET is not set")
		os.Exit(64)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if *delay > 0 {
		log.Info("stand-in controller starts late", "delay", delay.String())
		select {
		case <-time.After(*delay):
		case <-ctx.Done():
			return
		}
	}
	var mu sync.Mutex // reports arrive on concurrent connections
	onReport := func(r standin.Report) {
		out, _ := json.MarshalIndent(r, "", "  ")
		mu.Lock()
		defer mu.Unlock()
		fmt.Println(string(out))
	}
	c, err := standin.Start(standin.Config{HTTPAddr: *httpAddr, AgentAddr: *agentAddr, Secret: secret, AgentJar: *jar, Logger: log, OnReport: onReport})
	if err != nil {
		log.Error("start", "err", err)
		os.Exit(1)
	}
	<-ctx.Done()
	c.Close()
}
