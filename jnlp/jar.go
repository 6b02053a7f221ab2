package jnlp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// JarOptions tunes EnsureJar.
type JarOptions struct {
	Path     string        // JENKINS_AGENT_FILE; default a.Jar, else DefaultJar
	Download string        // LAUNCHER_AGENT_DOWNLOAD: auto (default), always, never
	CacheDir string        // where a downloaded agent.jar goes
	Client   *SharedClient // nil: a client of the call's own, closed when it returns
	Logger   *slog.Logger  // nil = silent
	// Retries is how many times a failed download is retried; default 4.
	Retries int
	// MinWait and MaxWait bound the backoff between retries; default 250ms..5s.
	MinWait, MaxWait time.Duration
}

// JarError says agent.jar is missing and cannot be downloaded.
type JarError struct {
	Path string
	Msg  string
}

func (e *JarError) Error() string { return fmt.Sprintf("agent jar %s: %s", e.Path, e.Msg) }

// EnsureJar returns the agent.jar to run and where it came from ("image" or
// "download"). auto uses o.Path when it exists and downloads otherwise;
// always downloads {url}/jnlpJars/agent.jar (the controller's own version);
// never requires o.Path. A download goes to CacheDir/agent.jar atomically
// (a temporary file in the same directory, fsync, rename) and must be a zip
// whose manifest names a Main-Class. Call it after WaitReady. Failure is a
// *JarError; when ctx ends first it returns context.Cause(ctx) and leaves no
// temporary file behind.
func EnsureJar(ctx context.Context, a Agent, o JarOptions) (path string, source string, err error) {
	if o.Path == "" {
		o.Path = a.Jar
	}
	if o.Path == "" {
		o.Path = DefaultJar
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	st, statErr := os.Stat(o.Path)
	if statErr == nil && st.IsDir() {
		statErr = errors.New("is a directory")
	}
	switch o.Download {
	case "", "auto":
		if statErr == nil {
			return o.Path, "image", nil
		}
	case "always":
	case "never":
		if statErr != nil {
			return "", "", &JarError{o.Path, fmt.Sprintf("%v, and LAUNCHER_AGENT_DOWNLOAD=never", statErr)}
		}
		return o.Path, "image", nil
	default:
		return "", "", &JarError{o.Path, fmt.Sprintf("LAUNCHER_AGENT_DOWNLOAD=%q: want auto, always or never", o.Download)}
	}
	if len(a.URLs) == 0 {
		return "", "", &JarError{o.Path, "missing, and there is no controller URL to download it from (direct mode): add it to the image"}
	}
	if o.CacheDir == "" {
		return "", "", &JarError{o.Path, "missing, and no cache directory to download it to"}
	}
	shared := o.Client
	if shared == nil {
		shared = NewSharedClient(a)
		defer shared.Close() // as in WaitReady
	}
	client, err := shared.get()
	if err != nil {
		return "", "", &JarError{o.Path, err.Error()}
	}
	var causes []string
	for _, base := range a.URLs {
		src := strings.TrimSuffix(base, "/") + "/jnlpJars/agent.jar"
		start := time.Now()
		dst, size, err := download(ctx, client, o, log, src)
		if ctx.Err() != nil {
			return "", "", context.Cause(ctx)
		}
		if err != nil {
			causes = append(causes, err.Error())
			log.Warn("agent.jar download failed", "url", RedactURL(src), "error", err)
			continue
		}
		log.Info("agent.jar downloaded", "url", RedactURL(src), "path", dst, "bytes", size,
			"duration", time.Since(start).Round(time.Millisecond).String())
		return dst, "download", nil
	}
	what := "missing"
	if statErr == nil {
		what = "LAUNCHER_AGENT_DOWNLOAD=always"
	}
	return "", "", &JarError{o.Path, what + ", and the download failed: " + strings.Join(causes, "; ")}
}

// download fetches src into o.CacheDir/agent.jar through a temporary file.
func download(ctx context.Context, client *http.Client, o JarOptions, log *slog.Logger, src string) (string, int64, error) {
	if err := os.MkdirAll(o.CacheDir, 0o755); err != nil {
		return "", 0, fmt.Errorf("cache directory: %w", err)
	}
	retries, minW, maxW := o.Retries, o.MinWait, o.MaxWait
	if retries <= 0 {
		retries = 4
	}
	if minW <= 0 {
		minW = DefaultMinWait
	}
	if maxW <= 0 {
		maxW = 5 * time.Second
	}
	rc := &retryablehttp.Client{
		HTTPClient:   client,
		Logger:       debugLogger{log},
		RetryWaitMin: minW,
		RetryWaitMax: maxW,
		RetryMax:     retries,
		CheckRetry:   downloadRetry,
		Backoff:      jitterBackoff,
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return "", 0, fmt.Errorf("download URL %q: %w", RedactURL(src), err)
	}
	req.Header.Set("User-Agent", "jenkins-launcher")
	resp, err := rc.Do(req)
	if err != nil {
		return "", 0, errors.New(describe(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", 0, errors.New(httpStatus(resp))
	}
	return saveJar(resp.Body, o.CacheDir)
}

// downloadRetry retries network errors, 5xx and 429, and stops at once when
// the context ends (a signal) or on any other status.
func downloadRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		return true, nil
	}
	return resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests, nil
}
