package serve

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier"
)

// app is a server on 127.0.0.1 and a browser-like client that has opened its URL.
type app struct {
	t    testing.TB
	s    *Server
	base string
	c    *http.Client
	csrf string
	root string
}

func start(t *testing.T, opt Options) *app { return startWith(t, opt) }

func startTB(tb testing.TB) *app { return startWith(tb, Options{}) }

func startWith(t testing.TB, opt Options) *app {
	t.Helper()
	if opt.Root == "" {
		opt.Root = t.TempDir()
	}
	s, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = s.Serve(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	u, _ := url.Parse(s.URL())
	jar, _ := cookiejar.New(nil)
	a := &app{t: t, s: s, base: "http://" + u.Host, root: opt.Root,
		c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	return a
}

// login opens the printed URL, as the browser does, and reads the page's CSRF token.
func (a *app) login() *app {
	a.t.Helper()
	resp, err := a.c.Get(a.s.URL())
	if err != nil {
		a.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		a.t.Fatalf("token login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	body := a.get("/", 200)
	m := regexp.MustCompile(`name="csrf" content="([0-9a-f]+)"`).FindStringSubmatch(body)
	if m == nil {
		a.t.Fatal("no csrf token on the page")
	}
	a.csrf = m[1]
	return a
}

func (a *app) do(req *http.Request, want int) string {
	a.t.Helper()
	resp, err := a.c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if want != 0 && resp.StatusCode != want {
		a.t.Fatalf("%s %s: status %d, want %d: %s", req.Method, req.URL, resp.StatusCode, want, b)
	}
	return string(b)
}

func (a *app) get(path string, want int) string {
	req, _ := http.NewRequest("GET", a.base+path, nil)
	return a.do(req, want)
}

// post sends a form the way the pages do: same origin, with the CSRF token.
func (a *app) post(path string, form url.Values, want int) string {
	req, _ := http.NewRequest("POST", a.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", a.base)
	req.Header.Set("X-CSRF-Token", a.csrf)
	return a.do(req, want)
}

func (a *app) postBody(path string, body io.Reader, hdr map[string]string, want int) string {
	req, _ := http.NewRequest("POST", a.base+path, body)
	req.Header.Set("Origin", a.base)
	req.Header.Set("X-CSRF-Token", a.csrf)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return a.do(req, want)
}

func (a *app) newCase(name string) {
	a.t.Helper()
	a.post("/cases", url.Values{"title": {"测试案件"}, "folder": {name}, "language": {"zh"}, "timezone": {"Asia/Shanghai"}}, http.StatusSeeOther)
}

// upload sends files as the drop zone does and adds them; it returns the job's final state.
func (a *app) upload(caseName string, files map[string]string, form url.Values) map[string]any {
	a.t.Helper()
	var b struct{ Batch string }
	_ = json.Unmarshal([]byte(a.postBody("/c/"+caseName+"/batch", nil, nil, 200)), &b)
	for p, content := range files {
		a.postBody("/c/"+caseName+"/upload/"+b.Batch, strings.NewReader(content), map[string]string{"X-Path": url.PathEscape(p)}, 200)
	}
	var j struct{ Job string }
	_ = json.Unmarshal([]byte(a.post("/c/"+caseName+"/ingest/"+b.Batch, form, 200)), &j)
	return a.wait(j.Job)
}

func (a *app) wait(job string) map[string]any {
	a.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		var st map[string]any
		_ = json.Unmarshal([]byte(a.get("/api/jobs/"+job, 200)), &st)
		if st["done"] == true {
			return st
		}
		time.Sleep(50 * time.Millisecond)
	}
	a.t.Fatal("job did not finish")
	return nil
}

func TestCaseLifecycle(t *testing.T) {
	a := start(t, Options{}).login()
	a.newCase("c1")
	if !strings.Contains(a.get("/", 200), "测试案件") {
		t.Fatal("new case not listed")
	}
	// Details: written to case.yaml, comments kept, same messages as the command line.
	a.post("/c/c1/details", detailsValues(map[string]string{"c_name": "张三", "contacts": "15900001111, 某催收, collector\n95188, 支付宝客服, creditor"}), http.StatusSeeOther)
	y, _ := os.ReadFile(filepath.Join(a.root, "c1", "case.yaml"))
	for _, want := range []string{"# 投诉人（本人）/ complainant (you)", "name: 张三", `{number: "15900001111", name: 某催收, role: collector}`, "# 规则阈值"} {
		if !strings.Contains(string(y), want) {
			t.Fatalf("case.yaml lacks %q:\n%s", want, y)
		}
	}
	body := a.post("/c/c1/details", detailsValues(map[string]string{"contacts": "15900001111, 某催收, boss"}), http.StatusBadRequest)
	if !strings.Contains(body, `role &#34;boss&#34;: use creditor, collector, self, family or other`) {
		t.Fatalf("validation message missing: %s", body)
	}
	// Evidence: a folder drop, a holder for the batch.
	st := a.upload("c1", map[string]string{"phone/notes.txt": "催收员多次来电。", "Screenshot_20250128-233252.png": pngHeader}, url.Values{"holder": {"李四"}, "holder_role": {"family"}})
	if st["error"] != nil {
		t.Fatalf("add: %v", st)
	}
	c, _ := dossier.Open(filepath.Join(a.root, "c1"))
	items, _ := c.Items()
	if len(items) != 2 || items[0].Holder != "李四" || items[0].Added != "Screenshot_20250128-233252.png" || items[1].Added != "phone/notes.txt" {
		t.Fatalf("items: %+v", items)
	}
	if _, err := os.Stat(filepath.Join(a.root, "c1", uploadsDir, "x")); err == nil {
		t.Fatal("upload left behind")
	}
	// Edit in place.
	a.post("/c/c1/edit/2", url.Values{"title": {"催收记录"}}, 200)
	a.post("/c/c1/edit/2", url.Values{"kind": {"screenshoot"}}, 400)
	items, _ = c.Items()
	if items[1].Title != "催收记录" {
		t.Fatalf("edit: %+v", items[1])
	}
	if !strings.Contains(a.get("/c/c1/evidence", 200), "催收记录") {
		t.Fatal("evidence page does not show the edit")
	}
	// Build, download, verify.
	var j struct{ Job string }
	_ = json.Unmarshal([]byte(a.post("/c/c1/build", url.Values{"what": {"packet"}, "letter": {"complaint"}}, 200)), &j)
	if st := a.wait(j.Job); st["error"] != nil {
		t.Fatalf("build: %v", st)
	}
	pdf := a.get("/c/c1/download/packet.pdf", 200)
	if !strings.HasPrefix(pdf, "%PDF-") {
		t.Fatal("download is not the packet")
	}
	var v struct {
		OK   bool
		Text string
	}
	_ = json.Unmarshal([]byte(a.postBody("/verify", strings.NewReader(pdf), map[string]string{"X-Name": "packet.pdf"}, 200)), &v)
	if !v.OK || !strings.Contains(v.Text, "未发现") {
		t.Fatalf("verify: %+v", v)
	}
	// The page has no flag to add: it recomputes every digest, and says so.
	if !strings.Contains(v.Text, "已重新计算每个嵌入原件记录的全部摘要（SHA-256、SM3）") || strings.Contains(v.Text, "--all-digests") {
		t.Fatalf("verify does not say it recomputed every digest: %s", v.Text)
	}
	_ = json.Unmarshal([]byte(a.postBody("/verify", strings.NewReader(pdf[:len(pdf)/2]), map[string]string{"X-Name": "packet.pdf"}, 200)), &v)
	if v.OK {
		t.Fatalf("half a packet verified: %s", v.Text)
	}
	// A bag zip, as a mediator receives it, verifies the same way.
	_ = json.Unmarshal([]byte(a.post("/c/c1/build", url.Values{"what": {"bag"}, "letter": {"mediation"}, "lang": {"en"}, "redact": {"1"}}, 200)), &j)
	if st := a.wait(j.Job); st["error"] != nil {
		t.Fatalf("bag: %v", st)
	}
	zip := a.get("/c/c1/download/bag.zip", 200)
	_ = json.Unmarshal([]byte(a.postBody("/verify", strings.NewReader(zip), map[string]string{"X-Name": "bag.zip"}, 200)), &v)
	if !v.OK || !strings.Contains(v.Text, "证据包") || !strings.Contains(v.Text, "（SHA-256、SHA-512、SM3）") {
		t.Fatalf("verify bag: %+v", v)
	}
	a.postBody("/verify", strings.NewReader(zip), map[string]string{"X-Name": "bag.exe"}, http.StatusBadRequest)
	// Timeline with its filters and findings; numbers without a role get one in a click.
	a.post("/c/c1/details", detailsValues(map[string]string{"c_name": "张三", "contacts": "95188, 支付宝客服, creditor"}), http.StatusSeeOther)
	if body := a.get("/c/c1/timeline?channel=screenshot&flagged=1", 200); !strings.Contains(body, `id="events"`) {
		t.Fatal("timeline page")
	}
	a.post("/c/c1/role", url.Values{"number": {"15900001111"}, "role": {"collector"}}, 200)
	a.post("/c/c1/role", url.Values{"number": {"15900001111"}, "role": {"boss"}}, http.StatusBadRequest)
	y, _ = os.ReadFile(filepath.Join(a.root, "c1", "case.yaml"))
	if !strings.Contains(string(y), `{number: "15900001111", name: "15900001111", role: collector}`) || !strings.Contains(string(y), "# 规则阈值") {
		t.Fatalf("role not written with the comments kept:\n%s", y)
	}
	// English on request, Chinese by default.
	a.get("/lang/en?back=/c/c1/evidence", http.StatusSeeOther)
	if body := a.get("/c/c1/evidence", 200); !strings.Contains(body, "Drop files or whole folders here") {
		t.Fatal("no English switch")
	}
	// The case as a whole still verifies: nothing the app did bypassed the custody log.
	rep, err := dossier.Verify(filepath.Join(a.root, "c1"))
	if err != nil || !rep.OK() {
		t.Fatalf("case verify: %v %+v", err, rep)
	}
}

var pngHeader = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"

func detailsValues(over map[string]string) url.Values {
	v := url.Values{"title": {"测试案件"}, "language": {"zh"}, "timezone": {"Asia/Shanghai"}, "r_name": {"重庆蚂蚁消费金融有限公司"},
		"quiet_start": {"22:00"}, "quiet_end": {"08:00"}, "max_unanswered": {"6"}, "max_connected": {"3"}, "demands": {"立即停止违规催收"}}
	for k, x := range over {
		v.Set(k, x)
	}
	return v
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
