package localforge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ErrNoGit is returned when the git command, whose http-backend serves the
// repositories, is not installed.
var ErrNoGit = errors.New("the git command is not installed: install git (Debian: apt-get install git) to serve the local forge")

// Server serves a Forge over HTTP: git's smart HTTP protocol for every repository,
// and listing APIs shaped like Gitea's (/api/v1), GitHub's (/api/v3, as GitHub
// Enterprise serves it), GitLab's (/api/v4) and Bitbucket Cloud's (/2.0). Failures
// can be switched on to test a crawler against them.
type Server struct {
	// URL is the forge's base URL, e.g. http://127.0.0.1:40123.
	URL string

	forge    *Forge
	srv      *http.Server
	ln       net.Listener
	requests atomic.Int64
	apiCalls atomic.Int64
	packs    atomic.Int64
	down     atomic.Bool
	noFilter atomic.Bool
	held     atomic.Int64 // requests waiting for Release now
	truncate atomic.Int64 // upload-pack answers are cut after this many bytes (0: never)
	maxPage  atomic.Int64 // the listing APIs' largest page (0: the forge's own)

	mu        sync.Mutex
	hold      chan struct{} // closed by Release; nil: nothing is held
	holdAt    int64         // requests are held once this many fetches were served
	failNext  []apiFailure
	rateLimit int // API requests left before 403/429 (negative: unlimited)
	etags     bool
}

type apiFailure struct {
	status     int
	retryAfter time.Duration
}

// Start serves the forge on addr ("127.0.0.1:0" picks a free port) until Close.
func Start(f *Forge, addr string) (*Server, error) {
	gitPath, err := exec.LookPath("git")
	if err != nil {
		return nil, ErrNoGit
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("local forge: listen on %s: %w", addr, err)
	}
	s := &Server{URL: "http://" + ln.Addr().String(), forge: f, ln: ln, rateLimit: -1, etags: true}
	withFilter := gitBackend(gitPath, f.Root, true)
	withoutFilter := gitBackend(gitPath, f.Root, false)
	mux := http.NewServeMux()
	s.giteaRoutes(mux)
	s.githubRoutes(mux)
	s.gitlabRoutes(mux)
	s.bitbucketRoutes(mux)
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := withFilter
		if s.noFilter.Load() {
			h = withoutFilter
		}
		if strings.HasSuffix(r.URL.Path, "/git-upload-pack") {
			if n := s.truncate.Load(); n > 0 {
				h = truncated(h, n)
			}
		}
		h.ServeHTTP(w, r)
	}))
	s.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.requests.Add(1)
			served, pack := s.packs.Load(), strings.HasSuffix(r.URL.Path, "/git-upload-pack")
			if pack {
				served = s.packs.Add(1) - 1
			}
			if !s.wait(r.Context(), served) {
				return
			}
			if s.down.Load() {
				http.Error(w, "unavailable", http.StatusServiceUnavailable)
				return
			}
			mux.ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Error("local forge stopped", "err", err)
		}
	}()
	return s, nil
}

// gitBackend is git http-backend over the forge's root. The filter settings are
// those a partial clone needs: uploadpack.allowFilter and allowAnySHA1InWant.
func gitBackend(gitPath, root string, filter bool) http.Handler {
	env := []string{
		"GIT_PROJECT_ROOT=" + root,
		"GIT_HTTP_EXPORT_ALL=1",
		"HOME=" + os.TempDir(),
	}
	if filter {
		env = append(env, "GIT_CONFIG_COUNT=3",
			"GIT_CONFIG_KEY_0=uploadpack.allowFilter", "GIT_CONFIG_VALUE_0=true",
			"GIT_CONFIG_KEY_1=uploadpack.allowAnySHA1InWant", "GIT_CONFIG_VALUE_1=true",
			"GIT_CONFIG_KEY_2=safe.directory", "GIT_CONFIG_VALUE_2=*")
	} else {
		env = append(env, "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=safe.directory", "GIT_CONFIG_VALUE_0=*")
	}
	return &cgi.Handler{Path: gitPath, Args: []string{"http-backend"}, Dir: root, Env: env, Stderr: io.Discard, Logger: log.New(io.Discard, "", 0)}
}

// truncated cuts a response body after n bytes, as a connection that drops
// mid-pack does.
func truncated(h http.Handler, n int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&cutWriter{ResponseWriter: w, left: n}, r)
	})
}

type cutWriter struct {
	http.ResponseWriter
	left int64
}

func (c *cutWriter) Write(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, errors.New("connection cut")
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.ResponseWriter.Write(p)
	c.left -= int64(n)
	return n, err
}

// Close stops the server.
func (s *Server) Close() error {
	s.Release()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}

// Requests is the number of HTTP requests served so far.
func (s *Server) Requests() int64 { return s.requests.Load() }

// APICalls is the number of listing API requests answered with 200 so far (the
// ones a rate limit counts).
func (s *Server) APICalls() int64 { return s.apiCalls.Load() }

// Packs is the number of git-upload-pack requests (fetches) received so far,
// held ones included.
func (s *Server) Packs() int64 { return s.packs.Load() }

// SetDown makes every request fail with 503 (a host that is down for maintenance).
func (s *Server) SetDown(down bool) { s.down.Store(down) }

// Hold makes requests wait until Release (or until their client gives up), as a
// host that stops answering does: once afterPacks more fetches (git-upload-pack
// requests) have been served, every later request waits. Hold(0) holds every
// request from now on. Tests use it to stop a crawl at a known point, where a
// slow host would make them depend on the machine's speed.
func (s *Server) Hold(afterPacks int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hold == nil {
		s.hold = make(chan struct{})
	}
	s.holdAt = s.packs.Load() + afterPacks
}

// Release lets every held request go on, and stops holding new ones.
func (s *Server) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hold != nil {
		close(s.hold)
		s.hold = nil
	}
}

// Held is the number of requests waiting for Release now.
func (s *Server) Held() int64 { return s.held.Load() }

// wait holds a request while the server holds them; served is the number of
// fetches served before it. It reports whether the request should be answered
// (false: its client gave up).
func (s *Server) wait(ctx context.Context, served int64) bool {
	s.mu.Lock()
	hold, at := s.hold, s.holdAt
	s.mu.Unlock()
	if hold == nil || served < at {
		return true
	}
	s.held.Add(1)
	defer s.held.Add(-1)
	select {
	case <-hold:
		return true
	case <-ctx.Done():
		return false
	}
}

// SetFilter turns the partial-clone settings on (the default) or off, as on a
// server that does not allow filters.
func (s *Server) SetFilter(on bool) { s.noFilter.Store(!on) }

// SetMaxPageSize makes the listing APIs answer at most n repositories a page, so
// that pagination can be tested with few repositories.
func (s *Server) SetMaxPageSize(n int) { s.maxPage.Store(int64(n)) }

// SetTruncatePacks cuts every fetch's answer after n bytes (0: off).
func (s *Server) SetTruncatePacks(n int64) { s.truncate.Store(n) }

// FailAPI makes the next listing API request answer status, with a Retry-After
// header when retryAfter is positive. Calls queue up.
func (s *Server) FailAPI(status int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = append(s.failNext, apiFailure{status: status, retryAfter: retryAfter})
}

// SetRateLimit allows n more listing API requests (conditional requests answered
// 304 are free, as on GitHub); past them the API answers as a forge whose rate
// limit is exhausted. Negative: unlimited.
func (s *Server) SetRateLimit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateLimit = n
}

// RepoURL is the clone URL of a repository.
func (s *Server) RepoURL(owner, name string) string {
	return s.URL + "/" + owner + "/" + name + ".git"
}

// listedRepo is what every listing API says about one repository.
type listedRepo struct {
	ID      int64
	Owner   string
	Name    string
	Meta    RepoMeta
	Empty   bool
	Size    int64
	Updated time.Time
}

// repos lists an owner's repositories by name; with subgroups, those of the
// organisations under it too.
func (s *Server) repos(owner string, subgroups bool) ([]listedRepo, bool) {
	s.forge.mu.Lock()
	kind, ok := s.forge.owners[owner]
	owners := []string{owner}
	if subgroups {
		for o := range s.forge.owners {
			if strings.HasPrefix(o, owner+"/") {
				owners = append(owners, o)
			}
		}
	}
	meta := map[string]RepoMeta{}
	for k, v := range s.forge.meta {
		meta[k] = v
	}
	s.forge.mu.Unlock()
	_ = kind
	if !ok {
		return nil, false
	}
	var all []listedRepo
	for _, o := range owners {
		entries, err := os.ReadDir(filepath.Join(s.forge.Root, filepath.FromSlash(o)))
		if err != nil {
			continue
		}
		for _, e := range entries {
			if !e.IsDir() || !strings.HasSuffix(e.Name(), ".git") {
				continue
			}
			name := strings.TrimSuffix(e.Name(), ".git")
			dir := filepath.Join(s.forge.Root, filepath.FromSlash(o), e.Name())
			info, _ := e.Info()
			r := listedRepo{Owner: o, Name: name, Meta: meta[o+"/"+name], Empty: !hasMain(dir), Size: 1}
			if info != nil {
				r.Updated = info.ModTime().UTC()
			}
			if r.Empty {
				r.Size = 0
			}
			all = append(all, r)
		}
	}
	sort.Slice(all, func(i, j int) bool {
		return all[i].Owner+"/"+all[i].Name < all[j].Owner+"/"+all[j].Name
	})
	for i := range all {
		all[i].ID = int64(1000 + i)
	}
	return all, true
}

func (s *Server) ownerKind(owner string) (OwnerKind, bool) {
	s.forge.mu.Lock()
	defer s.forge.mu.Unlock()
	k, ok := s.forge.owners[owner]
	return k, ok
}

func hasMain(repoDir string) bool {
	if _, err := os.Stat(filepath.Join(repoDir, "refs", "heads", "main")); err == nil {
		return true
	}
	b, err := os.ReadFile(filepath.Join(repoDir, "packed-refs"))
	return err == nil && strings.Contains(string(b), "refs/heads/main")
}
