package serve

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier"
	"github.com/dossier-tool/dossier/dossier/bench"
)

// A timeline longer than a page is shown a page at a time, the filters kept from page to page,
// and a category with more findings than a page lists says how many it has: a case of a million
// calls sends the browser pages, not the million rows.
func TestTimelinePages(t *testing.T) {
	a := start(t, Options{}).login()
	a.newCase("big")
	a.post("/c/big/details", detailsValues(map[string]string{"c_name": "张三",
		"contacts": "15900001111, 某催收, collector\n17700002222, 某资产, collector\n13700001111, 某律所, collector\n95188, 支付宝客服, creditor"}), http.StatusSeeOther)
	calls := filepath.Join(t.TempDir(), "calls-20250415120000.xml")
	f, err := os.Create(calls)
	if err != nil {
		t.Fatal(err)
	}
	const n = maxRows + maxRows/2
	if err := bench.WriteCallsXML(f, n, 6); err != nil {
		t.Fatal(err)
	}
	f.Close()
	c, err := dossier.Open(filepath.Join(a.root, "big"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Add(context.Background(), []string{calls}, dossier.AddOptions{}); err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile(`<tr(?: class="flagged")?><td>2025-`)
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`)

	first := a.get("/c/big/timeline", 200)
	if got := len(rows.FindAllString(first, -1)); got != maxRows {
		t.Fatalf("first page: %d rows, want %d", got, maxRows)
	}
	if !strings.Contains(first, "第 1 页，共 2 页") {
		t.Fatal("first page does not say it is page 1 of 2")
	}
	m := next.FindStringSubmatch(first)
	if m == nil {
		t.Fatal("first page has no link to the next")
	}
	second := a.get("/c/big/timeline"+strings.ReplaceAll(m[1], "&amp;", "&"), 200)
	if got := len(rows.FindAllString(second, -1)); got != n-maxRows {
		t.Fatalf("second page: %d rows, want %d", got, n-maxRows)
	}
	if next.MatchString(second) || !strings.Contains(second, `rel="prev"`) {
		t.Fatal("the last page links on, or not back")
	}
	if !strings.Contains(first, "这里列出前 500 条") {
		t.Fatal("a category of more findings than the page lists does not say so")
	}
	if lists := regexp.MustCompile(`<li><strong>`).FindAllString(first, -1); len(lists) > 3*maxFindings {
		t.Fatalf("%d findings listed, at most %d per category", len(lists), maxFindings)
	}

	// The filters stay on the next page's address.
	flagged := a.get("/c/big/timeline?flagged=1&channel=call", 200)
	if m := next.FindStringSubmatch(flagged); m != nil && !(strings.Contains(m[1], "flagged=1") && strings.Contains(m[1], "channel=call")) {
		t.Fatalf("next page of a filtered timeline drops the filters: %s", m[1])
	}
}

// BenchmarkTimelinePage500k is the timeline page of a case of 500,000 calls: it reports the
// page's size and the process's peak resident memory while the page is made (the server's work:
// the case is added before the peak is reset). The page's memory is a page of rows, the
// findings it lists and the timeline's sort keys, not the timeline.
// Run: go test ./dossier/serve -run '^$' -bench TimelinePage -benchtime 1x
func BenchmarkTimelinePage500k(b *testing.B) {
	a := startTB(b).login()
	a.newCase("big")
	calls := filepath.Join(b.TempDir(), "calls-20250415120000.xml")
	f, err := os.Create(calls)
	if err != nil {
		b.Fatal(err)
	}
	if err := bench.WriteCallsXML(f, 500_000, 6); err != nil {
		b.Fatal(err)
	}
	f.Close()
	c, err := dossier.Open(filepath.Join(a.root, "big"))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Add(context.Background(), []string{calls}, dossier.AddOptions{}); err != nil {
		b.Fatal(err)
	}
	os.Remove(calls)
	runtime.GC()
	debug.FreeOSMemory()
	b.ResetTimer()
	for range b.N {
		resetPeak()
		page := a.get("/c/big/timeline?page=2", 200)
		b.ReportMetric(float64(len(page))/1e3, "page-kB")
		b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MiB")
	}
}

// The timeline's summary is kept from page to page only while the case stays as it was: a role
// given in one click (case.yaml) and evidence added (the custody log) both show on the next page.
func TestTimelineSummaryFollowsTheCase(t *testing.T) {
	a := start(t, Options{}).login()
	a.newCase("c")
	dir := t.TempDir()
	write := func(name, number string, n int) string {
		var b strings.Builder
		b.WriteString("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<calls count=\"1\">\n")
		for i := range n {
			// one a minute from 23:00 on 28 January 2025, Asia/Shanghai: night contacts once the number is a collector's
			b.WriteString(`  <call number="` + number + `" duration="0" date="` + strconv.FormatInt(1738076400000+int64(i)*60000, 10) + `" type="3" presentation="1" readable_date="" contact_name="(Unknown)" />` + "\n")
		}
		b.WriteString("</calls>\n")
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	c, err := dossier.Open(filepath.Join(a.root, "c"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Add(context.Background(), []string{write("calls-20250128230000.xml", "15911112222", 3)}, dossier.AddOptions{}); err != nil {
		t.Fatal(err)
	}
	if page := a.get("/c/c/timeline", 200); !strings.Contains(page, "没有发现问题") || !strings.Contains(page, "共 3 条") {
		t.Fatal("before the role: findings listed, or not 3 events")
	}
	a.post("/c/c/role", url.Values{"number": {"15911112222"}, "role": {"collector"}}, 200)
	if page := a.get("/c/c/timeline", 200); strings.Contains(page, "没有发现问题") {
		t.Fatal("a number given the collector's role: its night calls are still not findings")
	}
	if _, err := c.Add(context.Background(), []string{write("calls-20250128231000.xml", "15933334444", 2)}, dossier.AddOptions{}); err != nil {
		t.Fatal(err)
	}
	if page := a.get("/c/c/timeline", 200); !strings.Contains(page, "共 5 条") {
		t.Fatal("evidence added: the page still counts the events before it")
	}
}
