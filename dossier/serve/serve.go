// Package serve is the local web app over the cases in one folder: the same library calls the
// command line makes (package dossier), behind pages a person who never opens a terminal can use.
// There is no second path to a case folder: uploads are staged outside the store and added with
// dossier.Case.Add, descriptions change through Case.Edit, case.yaml is written under the case
// lock after caseconf has accepted it, documents come from Case.PDF, XLSX, Bag and Build.
//
// Evidence is private, so the server trusts nobody by default:
//   - it listens on loopback; any other address needs users with password hashes (--auth);
//   - the first URL it prints carries a random token, exchanged once for a session cookie
//     (HttpOnly, SameSite=Strict) and then dropped from the address bar; without the cookie
//     nothing but the login page answers;
//   - the Host header must name the server (a DNS-rebinding page cannot borrow the cookie) and
//     a POST must come from the server's own pages (Origin) and carry the session's CSRF token;
//   - every page is sent with a Content-Security-Policy that allows only the server's own
//     scripts and styles (no inline script), and with a same-origin referrer policy so no address leaves the app;
//   - uploads are streamed to disk with a size cap, every path parameter is checked to be one
//     plain name (a case under the served folder, a file inside an upload), and nothing outside
//     the served cases and the app's own assets can be named.
package serve

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Options configure a server.
type Options struct {
	// Root is the folder whose sub-folders are the cases served (and where new ones are made).
	Root string
	// Addr is the listen address; default 127.0.0.1:0 (a free port on loopback).
	Addr string
	// AuthFile names a users file (lines "name:hash", bcrypt or argon2id); required for an
	// address that is not loopback.
	AuthFile string
	// MaxUpload caps one uploaded file; MaxVerify one file dropped on the verify page.
	MaxUpload int64
	MaxVerify int64
	// Now is the clock (tests).
	Now func() time.Time
}

// Defaults of the limits.
const (
	DefaultMaxUpload = 4 << 30
	DefaultMaxVerify = 4 << 30
)

// Server is the web app.
type Server struct {
	opt     Options
	root    string
	token   string
	users   map[string]string // name → hash
	ln      net.Listener
	mux     *http.ServeMux
	mu      sync.Mutex
	session map[string]*session
	jobs    *jobs
	hosts   map[string]bool // Host headers accepted; nil: any (authenticated, not loopback)
	pdftopm string
	// summaries are the timeline summaries of the cases last shown, by case folder (under mu).
	summaries map[string]*summary
}

type session struct {
	csrf string
	user string
}

// ErrNeedAuth refuses to listen beyond loopback without users.
var ErrNeedAuth = errors.New("listening on an address other than loopback needs --auth FILE with users and password hashes")

// New checks the options, opens the listener and returns the server, not yet serving.
func New(opt Options) (*Server, error) {
	if opt.Root == "" {
		opt.Root = "."
	}
	if opt.Addr == "" {
		opt.Addr = "127.0.0.1:0"
	}
	if opt.MaxUpload <= 0 {
		opt.MaxUpload = DefaultMaxUpload
	}
	if opt.MaxVerify <= 0 {
		opt.MaxVerify = DefaultMaxVerify
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	root, err := filepath.Abs(opt.Root)
	if err != nil {
		return nil, err
	}
	if info, err := os.Stat(root); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("%s: not a folder", opt.Root)
	}
	host, _, err := net.SplitHostPort(opt.Addr)
	if err != nil {
		return nil, fmt.Errorf("--addr %s: %w", opt.Addr, err)
	}
	loopback := isLoopback(host)
	s := &Server{opt: opt, root: root, session: map[string]*session{}, jobs: newJobs()}
	if opt.AuthFile != "" {
		if s.users, err = readUsers(opt.AuthFile); err != nil {
			return nil, err
		}
	}
	if !loopback && s.users == nil {
		return nil, fmt.Errorf("--addr %s: %w", opt.Addr, ErrNeedAuth)
	}
	s.token = randomHex(24)
	if s.ln, err = net.Listen("tcp", opt.Addr); err != nil {
		return nil, err
	}
	port := s.ln.Addr().(*net.TCPAddr).Port
	if loopback {
		s.hosts = map[string]bool{}
		for _, h := range []string{"127.0.0.1", "localhost", "[::1]"} {
			s.hosts[fmt.Sprintf("%s:%d", h, port)] = true
		}
		if host != "" && host != "127.0.0.1" && host != "localhost" && host != "::1" {
			s.hosts[net.JoinHostPort(host, fmt.Sprint(port))] = true
		}
	}
	if p, err := exec.LookPath("pdftoppm"); err == nil {
		s.pdftopm = p
	}
	s.routes()
	return s, nil
}

// URL is the address to open: with the session token, or the login page when there are users.
func (s *Server) URL() string {
	a := s.ln.Addr().(*net.TCPAddr)
	host := a.IP.String()
	if a.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	base := "http://" + net.JoinHostPort(host, fmt.Sprint(a.Port))
	if s.users != nil {
		return base + "/login"
	}
	return base + "/login?token=" + s.token
}

// Serve answers requests until ctx ends.
func (s *Server) Serve(ctx context.Context) error {
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	err := srv.Serve(s.ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Close stops listening.
func (s *Server) Close() error { return s.ln.Close() }

// csp allows the app's own scripts, styles and images and nothing else: no inline script, no
// other origin, no framing.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// ServeHTTP applies the rules every request passes before any handler runs.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	// same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" with its
	// form posts, and the Origin check could not tell the pages from another site.
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	if s.hosts != nil && !s.hosts[r.Host] {
		http.Error(w, "wrong host: open the address dossier serve printed", http.StatusMisdirectedRequest)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if !s.sameOrigin(r) {
			http.Error(w, "cross-site request refused", http.StatusForbidden)
			return
		}
	}
	if strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/login" {
		s.mux.ServeHTTP(w, r)
		return
	}
	sess := s.sessionOf(r)
	if sess == nil {
		s.needLogin(w, r)
		return
	}
	if r.Method == http.MethodPost && !s.csrfOK(r, sess) {
		http.Error(w, "missing or wrong CSRF token: reload the page", http.StatusForbidden)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// sameOrigin accepts a state-changing request only from the server's own pages. Browsers send
// Origin with every POST; a request without it must at least not be cross-site.
func (s *Server) sameOrigin(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" {
		return o == "http://"+r.Host || o == "https://"+r.Host
	}
	site := r.Header.Get("Sec-Fetch-Site")
	return site == "" || site == "same-origin" || site == "none"
}

const cookieName = "dossier_session"

func (s *Server) sessionOf(r *http.Request) *session {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.session[c.Value]
}

func (s *Server) csrfOK(r *http.Request, sess *session) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		r.Body = http.MaxBytesReader(nil, r.Body, maxForm)
		got = r.PostFormValue("csrf")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(sess.csrf)) == 1
}

// maxForm caps a form post (case details are the largest).
const maxForm = 1 << 20

// newSession starts a session and sets its cookie.
func (s *Server) newSession(w http.ResponseWriter, user string) {
	id := randomHex(32)
	s.mu.Lock()
	s.session[id] = &session{csrf: randomHex(32), user: user}
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

func (s *Server) tokenOK(t string) bool {
	return t != "" && subtle.ConstantTimeCompare([]byte(t), []byte(s.token)) == 1
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := io.ReadFull(rand.Reader, b); err != nil {
		panic(err) // the system's random source is broken: nothing safe can be done
	}
	return hex.EncodeToString(b)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
