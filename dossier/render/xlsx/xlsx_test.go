package xlsx

import (
	"bytes"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/internal/golden"
	"github.com/dossier-tool/dossier/dossier/manifest"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

func TestGolden(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			b, r := sampleBundle(t)
			got := dump(t, open(t, render(t, b, r, Options{Lang: lang})))
			golden.Check(t, filepath.Join("testdata", "sample-"+lang+".golden"), []byte(got))
		})
	}
}

func TestSheetNames(t *testing.T) {
	tests := []struct {
		name, lang, caseLang string
		want                 []string
	}{
		{"default is the case language zh", "", "zh", []string{"汇总", "时间线", "证据目录", "核查结果", "还款计划", "每日联系"}},
		{"case language en", "", "en", []string{"Summary", "Timeline", "Evidence", "Findings", "Schedule", "Contacts per day"}},
		{"option overrides the case", "en", "zh", []string{"Summary", "Timeline", "Evidence", "Findings", "Schedule", "Contacts per day"}},
		{"unknown language falls back to zh", "fr", "zh", []string{"汇总", "时间线", "证据目录", "核查结果", "还款计划", "每日联系"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, r := sampleBundle(t)
			b.Case.Language = tc.caseLang
			f := open(t, render(t, b, r, Options{Lang: tc.lang}))
			if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("sheets %v, want %v", got, tc.want)
			}
		})
	}
}

// TestTimelineReadBack compares every timeline row with its event, cell by cell.
func TestTimelineReadBack(t *testing.T) {
	b, r := sampleBundle(t)
	f := open(t, render(t, b, r, Options{}))
	const sh = "时间线"
	flagged := map[int]string{1: "夜间催收", 2: "夜间催收", 3: "向家属或第三方催收", 13: "夜间催收, 达成还款协议后仍催收"}
	for i := 4; i <= 11; i++ {
		flagged[i] = "单日未接来电超限"
	}
	for i, e := range b.Events {
		row := i + 2
		cell := func(col string) string {
			v, err := f.GetCellValue(sh, col+strconv.Itoa(row), excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		t.Run(strconv.Itoa(e.Seq), func(t *testing.T) {
			if got := cell("A"); got != strconv.Itoa(e.Seq) {
				t.Errorf("seq %q", got)
			}
			// The workbook says what the packet says: the terms come from the shared vocabulary.
			wantChannel := vocab.Channel("zh", e.Channel)
			if got := cell("C"); got != wantChannel {
				t.Errorf("channel %q, want %q", got, wantChannel)
			}
			if got := cell("F"); got != e.Counterpart {
				t.Errorf("counterpart %q, want %q", got, e.Counterpart)
			}
			if got, want := cell("D"), vocab.Direction("zh", e.Direction, e.Channel == event.Call); got != want {
				t.Errorf("direction %q, want %q", got, want)
			}
			serialV, err := strconv.ParseFloat(cell("B"), 64)
			if err != nil {
				t.Fatalf("time cell %q is not a number: %v", cell("B"), err)
			}
			wall, err := excelize.ExcelDateToTime(serialV, false)
			if err != nil {
				t.Fatal(err)
			}
			want := e.Time.In(shanghai)
			if got := wall.Round(time.Second).Format(time.DateTime); got != want.Format(time.DateTime) {
				t.Errorf("time %s, want the Shanghai wall clock %s", got, want.Format(time.DateTime))
			}
			if typ, _ := f.GetCellType(sh, "B"+strconv.Itoa(row)); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
				t.Errorf("time cell type %v, want a number", typ)
			}
			shown, _ := f.GetCellValue(sh, "B"+strconv.Itoa(row))
			if shown != want.Format("2006-01-02 15:04:05") {
				t.Errorf("time shown as %q", shown)
			}
			if e.Duration != nil {
				d, err := strconv.ParseFloat(cell("I"), 64)
				if err != nil {
					t.Fatalf("duration %q: %v", cell("I"), err)
				}
				if got := int64(math.Round(d * 86400)); got != *e.Duration {
					t.Errorf("duration %d s, want %d", got, *e.Duration)
				}
			} else if cell("I") != "" {
				t.Errorf("duration %q for an event without one", cell("I"))
			}
			wantEx := strconv.Itoa(e.Exhibit)
			if len(e.Exhibits) > 0 {
				wantEx = "3, 4"
			}
			if got := cell("L"); got != wantEx {
				t.Errorf("exhibit %q, want %q", got, wantEx)
			}
			if got := cell("Q"); got != flagged[e.Seq] {
				t.Errorf("flags %q, want %q", got, flagged[e.Seq])
			}
			if e.Amount != nil {
				if got := cell("J"); got != e.Amount.String() && got+".00" != e.Amount.String() {
					t.Errorf("amount %q, want %s", got, e.Amount)
				}
			}
		})
	}
	if v, _ := f.GetCellValue(sh, "M4"); v != "李四（家属）" {
		t.Errorf("holder %q", v)
	}
}

func TestFormulaInjection(t *testing.T) {
	hostile := []string{"=1+1", "+86 159 0000 1111", "-5", "@SUM(A1)", "\t=cmd", "\r=cmd", "=HYPERLINK(\"http://x\",\"y\")"}
	for _, s := range hostile {
		t.Run(strconv.Quote(s), func(t *testing.T) {
			b, r := sampleBundle(t)
			b.Events = b.Events[:1]
			b.Events[0].Text = s
			b.Events[0].Counterpart = s
			b.Items = b.Items[:1]
			b.Items[0].Title = s
			data := render(t, b, r, Options{})
			f := open(t, data)
			for _, ref := range []string{"时间线!F2", "时间线!K2", "证据目录!B2"} {
				sh, cell, _ := strings.Cut(ref, "!")
				if fm, _ := f.GetCellFormula(sh, cell); fm != "" {
					t.Errorf("%s has formula %q", ref, fm)
				}
				if got, _ := f.GetCellValue(sh, cell); got != s {
					t.Errorf("%s = %q, want %q", ref, got, s)
				}
			}
			// The XML itself: the cells are inline strings with no <f>.
			xml := string(zipEntries(t, data)["xl/worksheets/sheet2.xml"])
			for _, col := range []string{"F2", "K2"} {
				m := regexp.MustCompile(`<c r="` + col + `"[^>]*>.*?</c>`).FindString(xml)
				if !strings.Contains(m, `t="inlineStr"`) || strings.Contains(m, "<f>") {
					t.Errorf("cell %s is not a plain string: %s", col, m)
				}
			}
		})
	}
}

// TestStreamedSheetFeatures reads the worksheet XML back: the StreamWriter silently drops what
// it did not know about, so each feature is proven present in the written part.
func TestStreamedSheetFeatures(t *testing.T) {
	b, r := sampleBundle(t)
	parts := zipEntries(t, render(t, b, r, Options{}))
	n := len(b.Events) + 1
	tests := []struct {
		name, part, want string // want is a regular expression
	}{
		{"timeline frozen header", "xl/worksheets/sheet2.xml", `<pane [^>]*state="frozen"[^>]*topLeftCell="A2"[^>]*ySplit="1"`},
		{"timeline auto filter", "xl/worksheets/sheet2.xml", `<autoFilter ref="\$A\$1:\$Q\$` + strconv.Itoa(n) + `"`},
		{"timeline flagged rows highlighted", "xl/worksheets/sheet2.xml", `<conditionalFormatting sqref="A2:Q` + strconv.Itoa(n) + `"><cfRule type="expression" dxfId="\d+"`},
		{"timeline highlight formula", "xl/worksheets/sheet2.xml", `<formula>LEN\(\$Q2\)&gt;0</formula>`},
		{"timeline text column width", "xl/worksheets/sheet2.xml", `<col min="11" max="11" width="\d+`},
		{"evidence frozen header", "xl/worksheets/sheet3.xml", `<pane [^>]*state="frozen"`},
		{"evidence auto filter", "xl/worksheets/sheet3.xml", `<autoFilter ref="\$A\$1:\$P\$6"`},
		{"evidence rows with warnings highlighted", "xl/worksheets/sheet3.xml", `<conditionalFormatting sqref="A2:P6">`},
		{"evidence link to the original in the bag", "xl/worksheets/sheet3.xml", `<c r="L2"[^>]*t="str"[^>]*><f>HYPERLINK\(&#34;data/` + regexp.QuoteMeta(manifest.ExhibitFileName(1, "calls-20250415.xml")) + `&#34;,`},
		{"findings auto filter", "xl/worksheets/sheet4.xml", `<autoFilter ref="\$A\$1:\$P\$7"`},
		{"schedule auto filter under its title", "xl/worksheets/sheet5.xml", `<autoFilter ref="\$A\$2:\$H\$6"`},
		{"contacts chart drawing", "xl/worksheets/sheet6.xml", `<drawing [^>]*id="rId\d+"`},
		{"drawing holds the chart", "xl/drawings/_rels/drawing1.xml.rels", `Target="\.\./charts/chart1\.xml"`},
		{"chart is a column chart", "xl/charts/chart1.xml", `<barDir val="col">`},
		{"chart plots the creditor column", "xl/charts/chart1.xml", `<val><numRef><f>&#39;每日联系&#39;!\$C\$\d+:\$C\$\d+</f>`},
		{"chart plots the collector column", "xl/charts/chart1.xml", `<val><numRef><f>&#39;每日联系&#39;!\$D\$\d+:\$D\$\d+</f>`},
		{"series are stacked", "xl/charts/chart1.xml", `<grouping val="stacked">`},
		{"series named by role", "xl/charts/chart1.xml", `<tx><strRef><f>&#39;每日联系&#39;!\$C\$1</f>`},
		{"date axis counted in days", "xl/charts/chart1.xml", `<dateAx>.*<numFmt formatCode="yyyy-mm-dd".*<baseTimeUnit val="days">.*</dateAx>`},
		{"categories are the date cells", "xl/charts/chart1.xml", `<cat><numRef><f>&#39;每日联系&#39;!\$A\$2:\$A\$\d+</f>`},
		{"day cells are dates", "xl/worksheets/sheet6.xml", `<c r="A2" s="\d+"><v>45677</v>`},
		{"defined filter name", "xl/workbook.xml", `_xlnm\._FilterDatabase`},
		{"created from the stamp", "docProps/core.xml", `2025-04-15T01:30:00Z</dcterms:created>`},
		{"modified from the stamp", "docProps/core.xml", `2025-04-15T01:30:00Z</dcterms:modified>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parts[tc.part]
			if !ok {
				t.Fatalf("no part %s in %v", tc.part, sortedKeys(parts))
			}
			if !regexp.MustCompile(tc.want).Match(got) {
				t.Errorf("%s lacks %s", tc.part, tc.want)
			}
		})
	}
}

// The chart's day labels must not be a text axis: the "stacked digits".
func TestChartHasNoTextAxis(t *testing.T) {
	b, r := sampleBundle(t)
	chart := zipEntries(t, render(t, b, r, Options{}))["xl/charts/chart1.xml"]
	if bytes.Contains(chart, []byte("catAx")) || bytes.Contains(chart, []byte("<cat><strRef>")) {
		t.Errorf("chart still has a text category axis")
	}
}

func TestLinkPrefix(t *testing.T) {
	b, r := sampleBundle(t)
	f := open(t, render(t, b, r, Options{LinkPrefix: "./"}))
	got, _ := f.GetCellFormula("证据目录", "L5")
	name := manifest.ExhibitFileName(4, `=HYPERLINK("http://x").png`)
	want := `HYPERLINK("./` + name + `","` + name + `")`
	if got != want {
		t.Errorf("link %s, want %s", got, want)
	}
}

func TestMoneyExact(t *testing.T) {
	b, r := sampleBundle(t)
	f := open(t, render(t, b, r, Options{}))
	tests := []struct{ cell, want string }{
		{"C3", "1000"}, {"D5", "500.01"}, {"E5", "300.01"},
		{"C6", "3000"}, {"D6", "2500.01"}, {"E6", "1300.01"}, // totals from fen
	}
	for _, tc := range tests {
		t.Run(tc.cell, func(t *testing.T) {
			got, _ := f.GetCellValue("还款计划", tc.cell, excelize.Options{RawCellValue: true})
			if got != tc.want {
				t.Errorf("%s = %q, want %q", tc.cell, got, tc.want)
			}
			shown, _ := f.GetCellValue("还款计划", tc.cell)
			if !strings.Contains(shown, ".") {
				t.Errorf("%s shown as %q: no money format", tc.cell, shown)
			}
		})
	}
}

func TestReproducible(t *testing.T) {
	b, r := sampleBundle(t)
	first := zipEntries(t, render(t, b, r, Options{}))
	second := zipEntries(t, render(t, b, r, Options{}))
	for _, name := range sortedKeys(first) {
		if !bytes.Equal(first[name], second[name]) {
			t.Errorf("part %s differs between two renders", name)
		}
	}
	if len(first) != len(second) {
		t.Errorf("%d parts, then %d", len(first), len(second))
	}
}

func TestDailyContactsChartData(t *testing.T) {
	b, r := sampleBundle(t)
	f := open(t, render(t, b, r, Options{Lang: "en"}))
	rows, err := f.GetRows("Contacts per day")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], "|"); got != "Day|Collection contacts|creditor|collector|Calls|Unanswered calls|Messages|At night" {
		t.Errorf("heads %s", got)
	}
	counts := map[string][]string{}
	byRole := map[string]string{}
	for _, row := range rows {
		if len(row) >= 8 && strings.HasPrefix(row[0], "2025-") {
			counts[row[0]] = append([]string{row[1]}, row[4:8]...)
			byRole[row[0]] = row[2] + " " + row[3]
		}
	}
	if got := byRole["2025-01-27"]; got != "0 8" {
		t.Errorf("2025-01-27 creditor, collector = %s, want 0 8", got)
	}
	tests := []struct {
		day  string
		want string // contacts, calls, unanswered, messages, night
	}{
		{"2025-01-20", "1 1 0 0 1"},
		{"2025-01-21", "1 0 0 1 1"},
		{"2025-01-24", "0 0 0 0 0"}, // a quiet day in between is listed
		{"2025-01-27", "8 8 8 0 0"},
		{"2025-02-05", "1 0 0 1 1"},
		{"2025-03-15", "1 1 1 0 1"},
	}
	for _, tc := range tests {
		t.Run(tc.day, func(t *testing.T) {
			if got := strings.Join(counts[tc.day], " "); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if _, ok := counts["2025-01-29"]; !ok {
		t.Errorf("days not filled between contacts")
	}
	if _, ok := counts["2025-03-16"]; ok {
		t.Errorf("days after the last contact listed")
	}
}

func TestTextWidth(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0}, {"abc", 3}, {"张三", 4}, {"ＡＢ", 4}, {"a张", 3}, {"long line\n短", 9},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := textWidth(tc.in); got != tc.want {
				t.Errorf("textWidth(%q) = %d, want %d", tc.in, got, tc.want)
			}
		})
	}
}

func TestSerial(t *testing.T) {
	tests := []struct {
		name string
		in   time.Time
		want float64
		ok   bool
	}{
		{"utc instant shown in Shanghai", time.Date(2025, 1, 20, 14, 41, 5, 0, time.UTC), 45677 + (22*3600+41*60+5)/86400.0, true},
		{"midnight", time.Date(2025, 1, 1, 0, 0, 0, 0, shanghai), 45658, true},
		{"before 1900-03-01", time.Date(1900, 1, 1, 0, 0, 0, 0, shanghai), 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := serial(tc.in, shanghai)
			if ok != tc.ok || math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("serial = %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestNoBundle(t *testing.T) {
	if err := Render(&bytes.Buffer{}, nil, nil, Options{}); err != ErrNoBundle {
		t.Errorf("got %v", err)
	}
}

func TestEmptyCase(t *testing.T) {
	b, _ := sampleBundle(t)
	b.Case, b.Items, b.Events = nil, nil, nil
	f := open(t, render(t, b, nil, Options{}))
	if got := len(f.GetSheetList()); got != 6 {
		t.Errorf("%d sheets", got)
	}
}

func FuzzRender(f *testing.F) {
	for _, s := range []string{"=1+1", "+86", "\x00\x01", "\xff\xfe", strings.Repeat("长", 40000), "a\r\nb"} {
		f.Add(s, int64(5), int64(100))
	}
	b, r := sampleBundle(f)
	f.Fuzz(func(t *testing.T, s string, dur int64, unix int64) {
		e := event.Event{Time: time.Unix(unix, 0), Channel: event.Channel(s), Direction: event.In, Status: s, Counterpart: s,
			Role: s, Text: s, Subject: s, Locator: s, Duration: &dur, Holder: s, HolderRole: s, Seq: 1}
		bb := *b
		bb.Events = []event.Event{e}
		var buf bytes.Buffer
		if err := Render(&buf, &bb, r, Options{}); err != nil {
			t.Fatalf("render: %v", err)
		}
		if _, err := excelize.OpenReader(bytes.NewReader(buf.Bytes())); err != nil {
			t.Fatalf("read back: %v", err)
		}
	})
}

// The timeline sheet shows each message's class and why, a hand-set class marked with *.
func TestTimelineShowsClass(t *testing.T) {
	b, r := sampleBundle(t)
	b.Events[0].Class, b.Events[0].ClassReason = "collection", "已逾期"
	b.Events[1].Class, b.Events[1].ClassReason, b.Events[1].ClassByUser = "notice", "user: 还款成功通知", true
	f := open(t, render(t, b, r, Options{}))
	for _, tc := range []struct{ cell, want string }{
		{"O2", "催收"}, {"P2", "已逾期"}, {"O3", "服务通知*"}, {"P3", "用户标注；还款成功通知"},
	} {
		if got, _ := f.GetCellValue("时间线", tc.cell); got != tc.want {
			t.Errorf("%s = %q, want %q", tc.cell, got, tc.want)
		}
	}
}
