package serve

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"

	"github.com/dossier-tool/dossier/dossier"
)

func TestWrongHostIsRefused(t *testing.T) {
	a := start(t, Options{}).login()
	req, _ := http.NewRequest("GET", a.base+"/", nil)
	req.Host = "attacker.example:80" // a DNS-rebinding page resolving its own name to 127.0.0.1
	a.do(req, http.StatusMisdirectedRequest)
	req, _ = http.NewRequest("GET", a.base+"/", nil)
	req.Host = strings.Replace(req.URL.Host, "127.0.0.1", "localhost", 1)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusMisdirectedRequest {
		t.Fatal("localhost with the server's port is the server too")
	}
}

func TestNothingAnswersWithoutTheToken(t *testing.T) {
	a := start(t, Options{})
	a.newCaseOnDisk("c1")
	for _, p := range []string{"/", "/c/c1/evidence", "/c/c1/download/packet.pdf", "/verify", "/login?token=wrong", "/login"} {
		body := a.get(p, http.StatusForbidden)
		if strings.Contains(body, `id="items"`) || strings.Contains(body, `id="cases"`) || !strings.Contains(body, "dossier serve") {
			t.Fatalf("%s leaks the case: %s", p, body)
		}
	}
	resp, err := a.c.Get(a.s.URL())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var sc *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == cookieName {
			sc = c
		}
	}
	if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteStrictMode || sc.Value == a.s.token {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Strict, not the token", sc)
	}
	a.get("/c/c1/evidence", 200)
}

func (a *app) newCaseOnDisk(name string) {
	a.t.Helper()
	if _, err := dossier.Init(filepath.Join(a.root, name), dossier.InitOptions{Title: "x"}); err != nil {
		a.t.Fatal(err)
	}
}

func TestCrossSitePostIsRefused(t *testing.T) {
	a := start(t, Options{}).login()
	form := url.Values{"title": {"x"}, "folder": {"evil"}, "language": {"zh"}}
	for _, tc := range []struct {
		name   string
		origin string
		site   string
		csrf   string
	}{
		{"other origin with the right token", "http://attacker.example", "", a.csrf},
		{"cross-site fetch without origin", "", "cross-site", a.csrf},
		{"same origin without token", a.base, "", ""},
		{"same origin with a wrong token", a.base, "", strings.Repeat("0", 64)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", a.base+"/cases", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.origin != "" {
				req.Header.Set("Origin", tc.origin)
			}
			if tc.site != "" {
				req.Header.Set("Sec-Fetch-Site", tc.site)
			}
			if tc.csrf != "" {
				req.Header.Set("X-CSRF-Token", tc.csrf)
			}
			a.do(req, http.StatusForbidden)
			if _, err := os.Stat(filepath.Join(a.root, "evil")); err == nil {
				t.Fatal("the case was created")
			}
		})
	}
	a.post("/cases", form, http.StatusSeeOther) // the page itself may
}

func TestEveryResponseCarriesTheSecurityHeaders(t *testing.T) {
	a := start(t, Options{}).login()
	for _, p := range []string{"/", "/static/app.js", "/verify", "/nowhere", "/c/none/evidence"} {
		resp, err := a.c.Get(a.base + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Fatalf("%s: CSP %q", p, csp)
		}
		if resp.Header.Get("Referrer-Policy") != "same-origin" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("%s: headers %v", p, resp.Header)
		}
	}
}

func TestNoPathParameterLeavesTheCase(t *testing.T) {
	root := t.TempDir()
	served := filepath.Join(root, "served")
	os.MkdirAll(served, 0o755)
	// Targets outside the served folder and outside the case an attacker would like to reach.
	private, err := dossier.Init(filepath.Join(root, "private"), dossier.InitOptions{Title: "私密案件"})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, "secret.txt"), []byte("secret"), 0o644)
	if _, err := private.Add(context.Background(), []string{filepath.Join(root, "secret.txt")}, dossier.AddOptions{}); err != nil {
		t.Fatal(err)
	}
	a := start(t, Options{Root: served}).login()
	a.newCaseOnDisk("c1")
	os.WriteFile(filepath.Join(served, "c1", "out-of-bounds.pdf"), []byte("%PDF-secret"), 0o644)
	for _, p := range []string{
		"/c/..%2fprivate/evidence", "/c/%2e%2e/evidence", "/c/..%5cprivate/evidence", "/c/.uploads/evidence",
		"/c/c1/download/..%2fcase.yaml", "/c/c1/download/..%2f..%2fsecret.txt", "/c/c1/download/..%2fout-of-bounds.pdf",
		"/c/c1/thumb/..%2f1", "/c/c1/preview/..%2f1", "/api/jobs/..%2f..%2fsecret.txt", "/static/..%2f..%2fsecret.txt",
	} {
		body := a.get(p, 0)
		if strings.Contains(body, "私密案件") || strings.Contains(body, "secret") || strings.Contains(body, "title:") {
			t.Fatalf("%s reached outside: %s", p, body)
		}
	}
	// The language switch only sends back to this server.
	for _, back := range []string{"//attacker.example/", "/\\attacker.example", "http://attacker.example/"} {
		req, _ := http.NewRequest("GET", a.base+"/lang/en?back="+url.QueryEscape(back), nil)
		resp, err := a.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); loc != "/" {
			t.Fatalf("back=%s redirects to %s", back, loc)
		}
	}
	// Uploads: the batch id and every element of the file's path.
	var b struct{ Batch string }
	_ = jsonUnmarshal(a.postBody("/c/c1/batch", nil, nil, 200), &b)
	for _, batch := range []string{"..%2f..%2f..", "%2e%2e", "zz"} {
		a.postBody("/c/c1/upload/"+batch, strings.NewReader("x"), map[string]string{"X-Path": "a.txt"}, http.StatusNotFound)
	}
	for _, p := range []string{"../../../escape.txt", "..%2f..%2fescape.txt", "/etc/../../escape.txt", "a/../../escape.txt", "..\\..\\escape.txt", "a\x00b"} {
		a.postBody("/c/c1/upload/"+b.Batch, strings.NewReader("x"), map[string]string{"X-Path": url.PathEscape(p)}, http.StatusBadRequest)
	}
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if info != nil && info.Name() == "escape.txt" {
			t.Fatalf("upload escaped to %s", p)
		}
		return nil
	})
	// A case name in the create form is one plain name too.
	for _, name := range []string{"../escaped", "a/b", ".hidden", ".."} {
		a.post("/cases", url.Values{"title": {"x"}, "folder": {name}, "language": {"zh"}}, http.StatusBadRequest)
	}
	if _, err := os.Stat(filepath.Join(root, "escaped")); err == nil {
		t.Fatal("a case was created outside the served folder")
	}
}

func TestUploadSizeIsCapped(t *testing.T) {
	a := start(t, Options{MaxUpload: 1000, MaxVerify: 1000}).login()
	a.newCaseOnDisk("c1")
	var b struct{ Batch string }
	_ = jsonUnmarshal(a.postBody("/c/c1/batch", nil, nil, 200), &b)
	a.postBody("/c/c1/upload/"+b.Batch, strings.NewReader(strings.Repeat("x", 1000)), map[string]string{"X-Path": "ok.txt"}, 200)
	a.postBody("/c/c1/upload/"+b.Batch, strings.NewReader(strings.Repeat("x", 1001)), map[string]string{"X-Path": "big.txt"}, http.StatusRequestEntityTooLarge)
	// Without a length up front (a chunked body), the cap holds while streaming.
	a.postBody("/c/c1/upload/"+b.Batch, struct{ *strings.Reader }{strings.NewReader(strings.Repeat("x", 5000))}, map[string]string{"X-Path": "chunked.txt"}, http.StatusRequestEntityTooLarge)
	for _, n := range []string{"big.txt", "chunked.txt"} {
		if _, err := os.Stat(filepath.Join(a.root, "c1", uploadsDir, b.Batch, n)); err == nil {
			t.Fatalf("%s: the cut-off upload was kept", n)
		}
	}
	a.postBody("/verify", strings.NewReader(strings.Repeat("x", 1001)), map[string]string{"X-Name": "p.pdf"}, http.StatusRequestEntityTooLarge)
}

func TestBeyondLoopbackNeedsUsers(t *testing.T) {
	_, err := New(Options{Root: t.TempDir(), Addr: "0.0.0.0:0"})
	if !errors.Is(err, ErrNeedAuth) {
		t.Fatalf("listening on all interfaces without --auth: %v", err)
	}
	bh, _ := bcrypt.GenerateFromPassword([]byte("s3cret-b"), bcrypt.MinCost)
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte("s3cret-a"), salt, 1, 8*1024, 1, 32)
	ah := fmt.Sprintf("$argon2id$v=19$m=%d,t=1,p=1$%s$%s", 8*1024, base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
	users := filepath.Join(t.TempDir(), "users")
	os.WriteFile(users, []byte("# mediators\nwang:"+string(bh)+"\nli:"+ah+"\n"), 0o600)
	a := start(t, Options{Addr: "0.0.0.0:0", AuthFile: users})
	if strings.Contains(a.s.URL(), a.s.token) {
		t.Fatal("with users the token is not printed")
	}
	a.get("/login?token="+a.s.token, 0)
	a.get("/", http.StatusSeeOther) // the token alone is not a login
	login := func(user, pass string, want int) {
		req, _ := http.NewRequest("POST", a.base+"/login", strings.NewReader(url.Values{"user": {user}, "password": {pass}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", a.base)
		a.do(req, want)
	}
	login("wang", "wrong", http.StatusUnauthorized)
	login("nobody", "s3cret-b", http.StatusUnauthorized)
	login("li", "s3cret-b", http.StatusUnauthorized)
	a.get("/", http.StatusSeeOther)
	login("li", "s3cret-a", http.StatusSeeOther)
	a.get("/", 200)
	login("wang", "s3cret-b", http.StatusSeeOther)
	a.get("/", 200)
	// A file without valid hashes is refused at start.
	os.WriteFile(users, []byte("wang:plaintext\n"), 0o600)
	if _, err := New(Options{Root: t.TempDir(), Addr: "0.0.0.0:0", AuthFile: users}); err == nil || !strings.Contains(err.Error(), "neither bcrypt nor argon2id") {
		t.Fatalf("plain password accepted: %v", err)
	}
}

// The web app and `dossier add` write through the same lock: adding at the same time from
// both never corrupts the case.
func TestUploadsAndCommandLineAddTogether(t *testing.T) {
	a := start(t, Options{}).login()
	a.newCaseOnDisk("c1")
	src := t.TempDir()
	for i := 0; i < 30; i++ {
		os.WriteFile(filepath.Join(src, fmt.Sprintf("cli-%02d.txt", i)), []byte(fmt.Sprintf("命令行 %d", i)), 0o644)
	}
	c, err := dossier.Open(filepath.Join(a.root, "c1"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var cliErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 30; i++ {
			if _, err := c.Add(context.Background(), []string{filepath.Join(src, fmt.Sprintf("cli-%02d.txt", i))}, dossier.AddOptions{}); err != nil {
				cliErr = err
			}
		}
	}()
	web := map[string]string{}
	for i := 0; i < 30; i++ {
		web[fmt.Sprintf("web-%02d.txt", i)] = fmt.Sprintf("网页 %d", i)
	}
	for i := 0; i < 3; i++ {
		part := map[string]string{}
		for k, v := range web {
			if int(k[4]-'0') == i {
				part[k] = v
			}
		}
		if st := a.upload("c1", part, nil); st["error"] != nil {
			t.Fatalf("web add: %v", st)
		}
	}
	wg.Wait()
	if cliErr != nil {
		t.Fatal(cliErr)
	}
	items, _ := c.Items()
	seen := map[int]bool{}
	for _, it := range items {
		if seen[it.Exhibit] {
			t.Fatalf("exhibit %d numbered twice", it.Exhibit)
		}
		seen[it.Exhibit] = true
	}
	if len(items) != 60 {
		t.Fatalf("%d items, want 60", len(items))
	}
	rep, err := dossier.Verify(c.Folder.Dir)
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %v %+v", err, rep)
	}
}
