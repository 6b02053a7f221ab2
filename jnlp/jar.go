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

	"github.com/jenkins-launcher/launcher/internal/backoff"
)

// JarOptions tunes EnsureJar.
type JarOptions struct {
	Path     string        // JENKINS_AGENT_FILE; default a.Jar, else DefaultJar
	Download string        // LAUNCHER_AGENT_DOWNLOAD: auto (default), always, never
	CacheDir string        // where a downloaded agent.jar goes
	Client   *SharedClient // nil: a client of the call's own, closed when it returns
	Logger   *slog.Logger  // nil = silent
	// Ready is the URL that answered WaitReady, tried first: with several
	// -url, one that is down would otherwise cost its retries (seconds)
	// before the one known to answer is asked. "": in the given order.
	Ready string
	// Retries is how many times a failed download is retried; default 4.
	Retries int
	// MinWait and MaxWait bound the backoff between retries; default 250ms..5s.
	MinWait, MaxWait time.Duration
	// AttemptTimeout bounds one attempt, request and body; default 2m.
	AttemptTimeout time.Duration
	// MaxSize bounds the body; default 64 MiB (agent.jar is about 2 MB).
	MaxSize int64
}

// JarError says agent.jar is missing and cannot be downloaded.
type JarError struct {
	Path string
	Msg  string
}

func (e *JarError) Error() string { return fmt.Sprintf("agent jar %s: %s", e.Path, e.Msg) }

// NoDownloadURL is the warning for LAUNCHER_AGENT_DOWNLOAD=always without a
// controller URL, where the image's jar runs.
const NoDownloadURL = "LAUNCHER_AGENT_DOWNLOAD=always, but there is no controller URL to download agent.jar from (direct mode): running the image's, whose version may differ from the controller's"

// ChooseJar decides, before any download, where agent.jar comes from under
// download (LAUNCHER_AGENT_DOWNLOAD's value): the image's file at path ("image";
// present is JarPresent's answer for it) or the controller ("download",
// which needs a controller URL: haveURL). warn is set when the image's jar
// runs although a download was asked for (always, without a URL). A
// *JarError means no jar can be had (exit 66); source still says where it
// was looked for. The plan and EnsureJar both decide with it.
func ChooseJar(download, path string, present error, haveURL bool) (source, warn string, err error) {
	switch download {
	case "", "auto":
		if present == nil {
			return "image", "", nil
		}
	case "always":
	case "never":
		if present != nil {
			return "image", "", &JarError{path, fmt.Sprintf("%v, and LAUNCHER_AGENT_DOWNLOAD=never", present)}
		}
		return "image", "", nil
	default:
		return "image", "", &JarError{path, fmt.Sprintf("LAUNCHER_AGENT_DOWNLOAD=%q: want auto, always or never", download)}
	}
	switch {
	case haveURL:
		return "download", "", nil
	case present == nil:
		// always, without a URL (direct mode): the image's is there.
		return "image", NoDownloadURL, nil
	}
	return "download", "", &JarError{path, "missing, and there is no controller URL to download it from: add it to the image or set JENKINS_AGENT_FILE"}
}

// EnsureJar returns the agent.jar to run and where it came from ("image" or
// "download"). auto uses o.Path when it exists and downloads otherwise;
// always downloads {url}/jnlpJars/agent.jar (the controller's own version),
// falling back to o.Path with a warning if that fails or there is no URL
// (direct mode); never requires
// o.Path. A download goes to CacheDir/agent.jar atomically
// (a temporary file in the same directory, fsync, rename) and must be a zip
// whose manifest names a Main-Class. Call it after WaitReady. Failure is a
// *JarError; when ctx ends first it returns context.Cause(ctx) and leaves no
// temporary file behind.
func EnsureJar(ctx context.Context, a Agent, o JarOptions) (path string, source string, err error) {
	o = o.withDefaults(a)
	log := o.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	statErr := JarPresent(o.Path)
	source, warn, err := ChooseJar(o.Download, o.Path, statErr, len(a.URLs) > 0)
	if err != nil {
		return "", "", err
	}
	if source == "image" {
		if warn != "" {
			log.Warn(warn, "path", o.Path)
		}
		return o.Path, "image", nil
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
	for _, base := range readyFirst(a.URLs, o.Ready) {
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
	if statErr == nil {
		// always, with the image's jar there: a controller that cannot
		// serve its jar for now should not keep the agent from starting.
		// Exit 66 is for a jar that is missing and cannot be had.
		log.Warn("agent.jar download failed; running the image's, whose version may differ from the controller's",
			"path", o.Path, "error", strings.Join(causes, "; "))
		return o.Path, "image", nil
	}
	return "", "", &JarError{o.Path, "missing, and the download failed: " + strings.Join(causes, "; ")}
}

// readyFirst returns urls with ready, if it is one of them, moved first.
func readyFirst(urls []string, ready string) []string {
	out := make([]string, 0, len(urls))
	for _, u := range urls {
		if u == ready {
			out = append(out, u)
		}
	}
	for _, u := range urls {
		if u != ready {
			out = append(out, u)
		}
	}
	return out
}

// JarPresent says why path cannot be run as the image's agent.jar, or nil:
// missing, unreadable, or a directory. EnsureJar and the plan decide by it.
func JarPresent(path string) error {
	st, err := os.Stat(path)
	if err == nil && st.IsDir() {
		return errors.New("is a directory")
	}
	return err
}

// withDefaults fills in what the caller left unset, once for a whole call.
func (o JarOptions) withDefaults(a Agent) JarOptions {
	if o.Path == "" {
		o.Path = a.Jar
	}
	if o.Path == "" {
		o.Path = DefaultJar
	}
	if o.Retries <= 0 {
		o.Retries = 4
	}
	if o.MinWait <= 0 {
		o.MinWait = DefaultMinWait
	}
	if o.MaxWait <= 0 {
		o.MaxWait = 5 * time.Second
	}
	if o.AttemptTimeout <= 0 {
		o.AttemptTimeout = jarAttemptTimeout
	}
	if o.MaxSize <= 0 {
		o.MaxSize = maxJar
	}
	return o
}

// jarAttemptTimeout bounds one download attempt, request and body: a
// controller or proxy that stalls mid-body would otherwise hold the agent
// back for ever. agent.jar (about 2 MB) takes 40 s even at 50 KB/s.
const jarAttemptTimeout = 2 * time.Minute

// maxJar bounds a download: a body that goes on past it is not agent.jar,
// and must not fill the disk.
const maxJar = 64 << 20

// download fetches src into o.CacheDir/agent.jar through a temporary file.
// The request is retried by backoff.Do; a body that breaks off or
// stalls past o.AttemptTimeout makes a new attempt, o.Retries times.
func download(ctx context.Context, client *http.Client, o JarOptions, log *slog.Logger, src string) (string, int64, error) {
	if err := os.MkdirAll(o.CacheDir, 0o755); err != nil {
		return "", 0, fmt.Errorf("cache directory: %w", err)
	}
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, o.AttemptTimeout)
		dst, size, err := downloadOnce(actx, client, o, log, src)
		timedOut := actx.Err() != nil && ctx.Err() == nil
		cancel()
		if err == nil || ctx.Err() != nil || attempt > o.Retries || !(timedOut || errors.Is(err, errBody)) {
			if timedOut {
				err = fmt.Errorf("no complete answer within %v: %w", o.AttemptTimeout, err)
			}
			return dst, size, err
		}
		log.Warn("agent.jar download broke off; trying again", "url", RedactURL(src), "attempt", attempt, "error", err)
		select {
		case <-ctx.Done():
			return "", 0, context.Cause(ctx)
		case <-time.After(jitterBackoff(o.MinWait, o.MaxWait, attempt-1)):
		}
	}
}

// downloadOnce is one attempt: the request (with backoff.Do's retries)
// and the body.
func downloadOnce(ctx context.Context, client *http.Client, o JarOptions, log *slog.Logger, src string) (string, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return "", 0, fmt.Errorf("download URL %q: %w", RedactURL(src), err)
	}
	req.Header.Set("User-Agent", "jenkins-launcher")
	// The last answer when the retries run out: its status is the
	// cause to report.
	resp, err := backoff.Do(req, backoff.Retry{
		Client:  client,
		Retries: o.Retries,
		Check:   downloadRetry,
		Wait:    func(n int) time.Duration { return jitterBackoff(o.MinWait, o.MaxWait, n) },
		Log:     log,
		Name:    RedactURL(src),
	})
	if err != nil {
		return "", 0, errors.New(describe(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", 0, errors.New(httpStatus(resp))
	}
	return saveJar(resp.Body, o.CacheDir, o.MaxSize)
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
