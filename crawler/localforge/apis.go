package localforge

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The listing APIs answer with the JSON shapes, headers and pagination of the
// real forges (documented at docs.github.com, docs.gitlab.com, developer.atlassian.com
// and the Gitea swagger), reduced to the fields a crawler reads.

// gate applies injected failures; it reports whether the request may go on.
func (s *Server) gate(w http.ResponseWriter, _ *http.Request, _ string) bool {
	s.mu.Lock()
	var fail *apiFailure
	if len(s.failNext) > 0 {
		f := s.failNext[0]
		s.failNext = s.failNext[1:]
		fail = &f
	}
	s.mu.Unlock()
	if fail == nil {
		return true
	}
	if fail.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(fail.retryAfter.Round(time.Second)/time.Second)))
	}
	writeJSON(w, fail.status, map[string]string{"message": http.StatusText(fail.status)})
	return false
}

// limited answers as a forge whose rate limit is used up.
func limited(w http.ResponseWriter, style string) {
	reset := time.Now().Add(time.Second)
	if style == "github" {
		w.Header().Set("X-RateLimit-Limit", "60")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix()+1, 10))
		w.Header().Set("X-RateLimit-Resource", "core")
		writeJSON(w, http.StatusForbidden, map[string]string{"message": "API rate limit exceeded for 127.0.0.1.",
			"documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"})
		return
	}
	w.Header().Set("Retry-After", "1")
	w.Header().Set("RateLimit-Remaining", "0")
	w.Header().Set("RateLimit-Reset", strconv.FormatInt(reset.Unix()+1, 10))
	writeJSON(w, http.StatusTooManyRequests, map[string]string{"message": "Retry later"})
}

// answer writes a listing page: 304 when the client's ETag matches (free, as on
// GitHub), else the body, counting one request against the rate limit.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, style string, body any) {
	data, err := json.Marshal(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	sum := sha256.Sum256(data)
	etag := `W/"` + hex.EncodeToString(sum[:8]) + `"`
	s.mu.Lock()
	useETag := s.etags
	s.mu.Unlock()
	if useETag {
		w.Header().Set("ETag", etag)
		if inm := r.Header.Get("If-None-Match"); inm != "" && (inm == etag || strings.TrimPrefix(inm, "W/") == strings.TrimPrefix(etag, "W/")) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	s.mu.Lock()
	exhausted := s.rateLimit == 0
	if s.rateLimit > 0 {
		s.rateLimit--
	}
	remaining := s.rateLimit
	s.mu.Unlock()
	if exhausted {
		limited(w, style)
		return
	}
	s.apiCalls.Add(1)
	if style == "github" {
		w.Header().Set("X-RateLimit-Limit", "5000")
		if remaining < 0 {
			remaining = 4999
		}
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// pageOf cuts one page out of a list; page counts from 1.
func pageOf[T any](all []T, page, size int) ([]T, bool) {
	from := (page - 1) * size
	to := min(from+size, len(all))
	if from >= len(all) {
		return []T{}, false
	}
	return all[from:to], to < len(all)
}

func (s *Server) size(q url.Values, key string, def, maxV int) int {
	n := intParam(q, key, def, maxV)
	if m := int(s.maxPage.Load()); m > 0 {
		n = min(n, m)
	}
	return n
}

func intParam(q url.Values, key string, def, maxV int) int {
	n, err := strconv.Atoi(q.Get(key))
	if err != nil || n < 1 {
		return def
	}
	return min(n, maxV)
}

// linkHeader writes RFC 8288 links to the next and last pages.
func linkHeader(w http.ResponseWriter, r *http.Request, base, pageKey string, page, last int) {
	var links []string
	u := func(p int) string {
		q := r.URL.Query()
		q.Set(pageKey, strconv.Itoa(p))
		return base + r.URL.Path + "?" + q.Encode()
	}
	if page < last {
		links = append(links, `<`+u(page+1)+`>; rel="next"`, `<`+u(last)+`>; rel="last"`)
	}
	if page > 1 {
		links = append(links, `<`+u(1)+`>; rel="first"`, `<`+u(page-1)+`>; rel="prev"`)
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
}

func lastPage(n, size int) int { return max(1, (n+size-1)/size) }

// --- Gitea and Forgejo: /api/v1 ---

type giteaRepo struct {
	ID            int64      `json:"id"`
	Name          string     `json:"name"`
	FullName      string     `json:"full_name"`
	HTMLURL       string     `json:"html_url"`
	CloneURL      string     `json:"clone_url"`
	Private       bool       `json:"private"`
	Empty         bool       `json:"empty"`
	Archived      bool       `json:"archived"`
	Fork          bool       `json:"fork"`
	Parent        *giteaRepo `json:"parent"`
	DefaultBranch string     `json:"default_branch"`
	Description   string     `json:"description"`
	Topics        []string   `json:"topics"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

func (s *Server) giteaRoutes(mux *http.ServeMux) {
	list := func(orgsOnly bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if !s.gate(w, r, "gitea") {
				return
			}
			owner := r.PathValue("owner")
			kind, ok := s.ownerKind(owner)
			all, _ := s.repos(owner, false)
			if !ok || (orgsOnly && kind != Org) {
				writeJSON(w, http.StatusNotFound, map[string]any{"errors": nil, "message": "GetOrgByName", "url": s.URL + "/api/swagger"})
				return
			}
			q := r.URL.Query()
			page, size := intParam(q, "page", 1, 1<<20), s.size(q, "limit", 30, 50)
			out := []giteaRepo{}
			for _, x := range all {
				g := giteaRepo{ID: x.ID, Name: x.Name, FullName: x.Owner + "/" + x.Name, HTMLURL: s.URL + "/" + x.Owner + "/" + x.Name,
					CloneURL: s.RepoURL(x.Owner, x.Name), Private: x.Meta.Private, Empty: x.Empty, Archived: x.Meta.Archived,
					Fork: x.Meta.Fork, DefaultBranch: "main", UpdatedAt: x.Updated, Description: x.Meta.Description, Topics: nonNilTopics(x.Meta.Topics)}
				if x.Meta.Parent != "" {
					o, n, _ := strings.Cut(x.Meta.Parent, "/")
					g.Parent = &giteaRepo{Name: n, FullName: x.Meta.Parent, CloneURL: s.RepoURL(o, n), HTMLURL: s.URL + "/" + x.Meta.Parent}
				}
				out = append(out, g)
			}
			w.Header().Set("X-Total-Count", strconv.Itoa(len(out)))
			linkHeader(w, r, s.URL, "page", page, lastPage(len(out), size))
			p, _ := pageOf(out, page, size)
			s.answer(w, r, "gitea", p)
		}
	}
	mux.HandleFunc("GET /api/v1/orgs/{owner}/repos", list(true))
	mux.HandleFunc("GET /api/v1/users/{owner}/repos", list(false))
}

// --- GitHub (Enterprise Server's /api/v3 paths) ---

type githubOwner struct {
	Login string `json:"login"`
	ID    int64  `json:"id"`
	Type  string `json:"type"`
}

type githubRepo struct {
	ID            int64       `json:"id"`
	NodeID        string      `json:"node_id"`
	Name          string      `json:"name"`
	FullName      string      `json:"full_name"`
	Private       bool        `json:"private"`
	Owner         githubOwner `json:"owner"`
	HTMLURL       string      `json:"html_url"`
	Description   *string     `json:"description"`
	Topics        []string    `json:"topics"`
	Fork          bool        `json:"fork"`
	URL           string      `json:"url"`
	CloneURL      string      `json:"clone_url"`
	GitURL        string      `json:"git_url"`
	SSHURL        string      `json:"ssh_url"`
	Size          int64       `json:"size"`
	DefaultBranch string      `json:"default_branch"`
	Archived      bool        `json:"archived"`
	Disabled      bool        `json:"disabled"`
	Visibility    string      `json:"visibility"`
	PushedAt      time.Time   `json:"pushed_at"`
	CreatedAt     time.Time   `json:"created_at"`
	UpdatedAt     time.Time   `json:"updated_at"`
}

func (s *Server) githubRoutes(mux *http.ServeMux) {
	list := func(orgsOnly bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if !s.gate(w, r, "github") {
				return
			}
			owner := r.PathValue("owner")
			kind, ok := s.ownerKind(owner)
			if !ok || (orgsOnly && kind != Org) {
				writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found", "documentation_url": "https://docs.github.com/rest/repos/repos#list-organization-repositories", "status": "404"})
				return
			}
			all, _ := s.repos(owner, false)
			q := r.URL.Query()
			page, size := intParam(q, "page", 1, 1<<20), s.size(q, "per_page", 30, 100)
			typ := "Organization"
			if kind == User {
				typ = "User"
			}
			out := []githubRepo{}
			for _, x := range all {
				if q.Get("type") == "public" && x.Meta.Private {
					continue
				}
				vis := "public"
				if x.Meta.Private {
					vis = "private"
				}
				out = append(out, githubRepo{ID: x.ID, NodeID: fmt.Sprintf("R_%d", x.ID), Name: x.Name, FullName: x.Owner + "/" + x.Name,
					Private: x.Meta.Private, Owner: githubOwner{Login: owner, ID: 1, Type: typ},
					HTMLURL: s.URL + "/" + x.Owner + "/" + x.Name, Fork: x.Meta.Fork, URL: s.URL + "/api/v3/repos/" + x.Owner + "/" + x.Name,
					CloneURL: s.RepoURL(x.Owner, x.Name), GitURL: "git://" + strings.TrimPrefix(s.URL, "http://") + "/" + x.Owner + "/" + x.Name + ".git",
					SSHURL: "git@127.0.0.1:" + x.Owner + "/" + x.Name + ".git", Size: x.Size, DefaultBranch: "main",
					Archived: x.Meta.Archived, Visibility: vis, PushedAt: x.Updated, CreatedAt: x.Updated, UpdatedAt: x.Updated,
					Description: describe(x.Meta.Description), Topics: nonNilTopics(x.Meta.Topics)})
			}
			linkHeader(w, r, s.URL, "page", page, lastPage(len(out), size))
			p, _ := pageOf(out, page, size)
			s.answer(w, r, "github", p)
		}
	}
	mux.HandleFunc("GET /api/v3/orgs/{owner}/repos", list(true))
	mux.HandleFunc("GET /api/v3/users/{owner}/repos", list(false))
}

// --- GitLab: /api/v4 ---

type gitlabNamespace struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Path     string `json:"path"`
	Kind     string `json:"kind"`
	FullPath string `json:"full_path"`
}

type gitlabProject struct {
	ID                int64           `json:"id"`
	Name              string          `json:"name"`
	Path              string          `json:"path"`
	PathWithNamespace string          `json:"path_with_namespace"`
	DefaultBranch     *string         `json:"default_branch"`
	SSHURLToRepo      string          `json:"ssh_url_to_repo"`
	HTTPURLToRepo     string          `json:"http_url_to_repo"`
	WebURL            string          `json:"web_url"`
	Visibility        string          `json:"visibility"`
	Archived          bool            `json:"archived"`
	EmptyRepo         bool            `json:"empty_repo"`
	Namespace         gitlabNamespace `json:"namespace"`
	ForkedFromProject *gitlabProject  `json:"forked_from_project,omitempty"`
	LastActivityAt    time.Time       `json:"last_activity_at"`
}

func (s *Server) gitlabRoutes(mux *http.ServeMux) {
	list := func(groups bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if !s.gate(w, r, "gitlab") {
				return
			}
			owner := r.PathValue("id") // URL-encoded full path, already decoded by the mux
			kind, ok := s.ownerKind(owner)
			if !ok || (groups && kind != Org) || (!groups && kind != User) {
				what := "Group"
				if !groups {
					what = "User"
				}
				writeJSON(w, http.StatusNotFound, map[string]string{"message": "404 " + what + " Not Found"})
				return
			}
			q := r.URL.Query()
			all, _ := s.repos(owner, groups && q.Get("include_subgroups") == "true")
			page, size := intParam(q, "page", 1, 1<<20), s.size(q, "per_page", 20, 100)
			out := []gitlabProject{}
			for _, x := range all {
				if x.Meta.Private && q.Get("visibility") == "public" {
					continue
				}
				vis := "public"
				if x.Meta.Private {
					vis = "private"
				}
				branch := "main"
				p := gitlabProject{ID: x.ID, Name: x.Name, Path: x.Name, PathWithNamespace: x.Owner + "/" + x.Name, DefaultBranch: &branch,
					SSHURLToRepo: "git@127.0.0.1:" + x.Owner + "/" + x.Name + ".git", HTTPURLToRepo: s.RepoURL(x.Owner, x.Name),
					WebURL: s.URL + "/" + x.Owner + "/" + x.Name, Visibility: vis, Archived: x.Meta.Archived, EmptyRepo: x.Empty,
					Namespace:      gitlabNamespace{ID: 1, Name: x.Owner, Path: x.Owner[strings.LastIndex(x.Owner, "/")+1:], Kind: "group", FullPath: x.Owner},
					LastActivityAt: x.Updated}
				if x.Empty {
					p.DefaultBranch = nil
				}
				if x.Meta.Parent != "" {
					o, n, _ := strings.Cut(x.Meta.Parent, "/")
					p.ForkedFromProject = &gitlabProject{Name: n, Path: n, PathWithNamespace: x.Meta.Parent, HTTPURLToRepo: s.RepoURL(o, n), WebURL: s.URL + "/" + x.Meta.Parent}
				}
				out = append(out, p)
			}
			last := lastPage(len(out), size)
			w.Header().Set("X-Page", strconv.Itoa(page))
			w.Header().Set("X-Per-Page", strconv.Itoa(size))
			w.Header().Set("X-Total", strconv.Itoa(len(out)))
			w.Header().Set("X-Total-Pages", strconv.Itoa(last))
			if page < last {
				w.Header().Set("X-Next-Page", strconv.Itoa(page+1))
			} else {
				w.Header().Set("X-Next-Page", "")
			}
			linkHeader(w, r, s.URL, "page", page, last)
			pg, _ := pageOf(out, page, size)
			s.answer(w, r, "gitlab", pg)
		}
	}
	mux.HandleFunc("GET /api/v4/groups/{id}/projects", list(true))
	mux.HandleFunc("GET /api/v4/users/{id}/projects", list(false))
}

// --- Bitbucket Cloud: /2.0 ---

type bitbucketLink struct {
	Href string `json:"href"`
	Name string `json:"name,omitempty"`
}

type bitbucketRepo struct {
	Type       string `json:"type"`
	UUID       string `json:"uuid"`
	FullName   string `json:"full_name"`
	Name       string `json:"name"`
	Slug       string `json:"slug"`
	IsPrivate  bool   `json:"is_private"`
	SCM        string `json:"scm"`
	Size       int64  `json:"size"`
	Mainbranch *struct {
		Type string `json:"type"`
		Name string `json:"name"`
	} `json:"mainbranch"`
	Links struct {
		HTML  bitbucketLink   `json:"html"`
		Clone []bitbucketLink `json:"clone"`
	} `json:"links"`
	Parent    *bitbucketRepo `json:"parent,omitempty"`
	UpdatedOn time.Time      `json:"updated_on"`
}

type bitbucketPage struct {
	Pagelen int             `json:"pagelen"`
	Size    int             `json:"size"`
	Page    int             `json:"page"`
	Next    string          `json:"next,omitempty"`
	Values  []bitbucketRepo `json:"values"`
}

func (s *Server) bitbucketRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /2.0/repositories/{workspace}", func(w http.ResponseWriter, r *http.Request) {
		if !s.gate(w, r, "bitbucket") {
			return
		}
		owner := r.PathValue("workspace")
		if _, ok := s.ownerKind(owner); !ok {
			writeJSON(w, http.StatusNotFound, map[string]any{"type": "error", "error": map[string]string{"message": "No workspace with identifier '" + owner + "'."}})
			return
		}
		all, _ := s.repos(owner, false)
		q := r.URL.Query()
		page, size := intParam(q, "page", 1, 1<<20), s.size(q, "pagelen", 10, 100)
		var out []bitbucketRepo
		for _, x := range all {
			b := bitbucketRepo{Type: "repository", UUID: fmt.Sprintf("{%d}", x.ID), FullName: x.Owner + "/" + x.Name, Name: x.Name, Slug: x.Name,
				IsPrivate: x.Meta.Private, SCM: "git", Size: x.Size, UpdatedOn: x.Updated}
			if !x.Empty {
				b.Mainbranch = &struct {
					Type string `json:"type"`
					Name string `json:"name"`
				}{"branch", "main"}
			}
			b.Links.HTML = bitbucketLink{Href: s.URL + "/" + x.Owner + "/" + x.Name}
			b.Links.Clone = []bitbucketLink{{Name: "https", Href: s.RepoURL(x.Owner, x.Name)}, {Name: "ssh", Href: "git@127.0.0.1:" + x.Owner + "/" + x.Name + ".git"}}
			if x.Meta.Parent != "" {
				o, n, _ := strings.Cut(x.Meta.Parent, "/")
				p := &bitbucketRepo{Type: "repository", FullName: x.Meta.Parent, Name: n, Slug: n}
				p.Links.HTML = bitbucketLink{Href: s.URL + "/" + x.Meta.Parent}
				p.Links.Clone = []bitbucketLink{{Name: "https", Href: s.RepoURL(o, n)}}
				b.Parent = p
			}
			out = append(out, b)
		}
		vals, more := pageOf(out, page, size)
		body := bitbucketPage{Pagelen: size, Size: len(out), Page: page, Values: vals}
		if more {
			q.Set("page", strconv.Itoa(page+1))
			body.Next = s.URL + r.URL.Path + "?" + q.Encode()
		}
		s.answer(w, r, "bitbucket", body)
	})
}

func nonNilTopics(t []string) []string {
	if t == nil {
		return []string{}
	}
	return t
}

// describe is GitHub's description: null when there is none.
func describe(d string) *string {
	if d == "" {
		return nil
	}
	return &d
}
