package localforge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// ErrNoGit is returned when the git command, whose http-backend serves the
// repositories, is not installed.
var ErrNoGit = errors.New("the git command is not installed: install git (Debian: apt-get install git) to serve the local forge")

// Server serves a Forge over HTTP.
type Server struct {
	// URL is the forge's base URL, e.g. http://127.0.0.1:40123.
	URL string

	forge    *Forge
	srv      *http.Server
	ln       net.Listener
	requests atomic.Int64
	down     atomic.Bool
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
	s := &Server{URL: "http://" + ln.Addr().String(), forge: f, ln: ln}
	mux := http.NewServeMux()
	backend := &cgi.Handler{
		Path: gitPath,
		Args: []string{"http-backend"},
		Dir:  f.Root,
		Env: []string{
			"GIT_PROJECT_ROOT=" + f.Root,
			"GIT_HTTP_EXPORT_ALL=1",
			"GIT_CONFIG_COUNT=3",
			"GIT_CONFIG_KEY_0=uploadpack.allowFilter", "GIT_CONFIG_VALUE_0=true",
			"GIT_CONFIG_KEY_1=uploadpack.allowAnySHA1InWant", "GIT_CONFIG_VALUE_1=true",
			"GIT_CONFIG_KEY_2=safe.directory", "GIT_CONFIG_VALUE_2=*",
			"HOME=" + os.TempDir(),
		},
		Stderr: io.Discard,
	}
	mux.HandleFunc("GET /api/v1/orgs/{owner}/repos", func(w http.ResponseWriter, r *http.Request) { s.listRepos(w, r, true) })
	mux.HandleFunc("GET /api/v1/users/{owner}/repos", func(w http.ResponseWriter, r *http.Request) { s.listRepos(w, r, false) })
	mux.Handle("/", backend)
	s.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.requests.Add(1)
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

// Close stops the server.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}

// Requests is the number of HTTP requests served so far.
func (s *Server) Requests() int64 { return s.requests.Load() }

// SetDown makes every request fail with 503 (a host that is down for maintenance).
func (s *Server) SetDown(down bool) { s.down.Store(down) }

// RepoURL is the clone URL of a repository.
func (s *Server) RepoURL(owner, name string) string {
	return s.URL + "/" + owner + "/" + name + ".git"
}

// giteaRepo is the part of Gitea's repository object the crawler reads.
type giteaRepo struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	FullName      string `json:"full_name"`
	HTMLURL       string `json:"html_url"`
	CloneURL      string `json:"clone_url"`
	Private       bool   `json:"private"`
	Empty         bool   `json:"empty"`
	Archived      bool   `json:"archived"`
	Fork          bool   `json:"fork"`
	DefaultBranch string `json:"default_branch"`
}

// listRepos answers like Gitea: a JSON array, paged by page (from 1) and limit
// (at most 50), with X-Total-Count and a Link header.
func (s *Server) listRepos(w http.ResponseWriter, r *http.Request, orgsOnly bool) {
	owner := r.PathValue("owner")
	s.forge.mu.Lock()
	kind, ok := s.forge.owners[owner]
	meta := map[string]RepoMeta{}
	for k, v := range s.forge.meta {
		meta[k] = v
	}
	s.forge.mu.Unlock()
	if !ok || (orgsOnly && kind != Org) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"errors":null,"message":"GetOrgByName","url":"` + s.URL + `/api/swagger"}`))
		return
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 {
		page = 1
	}
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if limit < 1 {
		limit = 30
	}
	limit = min(limit, 50)
	entries, err := os.ReadDir(filepath.Join(s.forge.Root, owner))
	if err != nil && !os.IsNotExist(err) {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var all []giteaRepo
	for i, e := range entries {
		if !e.IsDir() || !strings.HasSuffix(e.Name(), ".git") {
			continue
		}
		name := strings.TrimSuffix(e.Name(), ".git")
		m := meta[owner+"/"+name]
		_, headErr := os.Stat(filepath.Join(s.forge.Root, owner, e.Name(), "refs", "heads", "main"))
		all = append(all, giteaRepo{
			ID: int64(i + 1), Name: name, FullName: owner + "/" + name,
			HTMLURL: s.URL + "/" + owner + "/" + name, CloneURL: s.RepoURL(owner, name),
			Private: m.Private, Archived: m.Archived, Fork: m.Fork, Empty: headErr != nil && !packedMain(filepath.Join(s.forge.Root, owner, e.Name())),
			DefaultBranch: "main",
		})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	w.Header().Set("X-Total-Count", strconv.Itoa(len(all)))
	from := (page - 1) * limit
	to := min(from+limit, len(all))
	out := []giteaRepo{}
	if from < len(all) {
		out = all[from:to]
	}
	if to < len(all) {
		next := fmt.Sprintf("%s%s?page=%d&limit=%d", s.URL, r.URL.Path, page+1, limit)
		w.Header().Set("Link", `<`+next+`>; rel="next"`)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

func packedMain(repoDir string) bool {
	b, err := os.ReadFile(filepath.Join(repoDir, "packed-refs"))
	return err == nil && strings.Contains(string(b), "refs/heads/main")
}
