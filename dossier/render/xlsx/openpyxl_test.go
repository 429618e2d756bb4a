package xlsx

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// readerScript prints what openpyxl, an independent reader, makes of the workbook.
const readerScript = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
tl = wb.worksheets[1]
ev = wb.worksheets[2]
out = {
  "sheets": wb.sheetnames,
  "time": tl["B2"].value.isoformat() if hasattr(tl["B2"].value, "isoformat") else repr(tl["B2"].value),
  "time_is_date": tl["B2"].is_date,
  "duration_format": tl["I2"].number_format,
  "freeze": tl.freeze_panes,
  "filter": tl.auto_filter.ref,
  "highlight": [str(r.sqref) for r in tl.conditional_formatting],
  "injected_type": tl["K14"].data_type,
  "injected_value": tl["K14"].value,
  "link": ev["L2"].value,
  "charts": len(wb.worksheets[5]._charts),
}
print(json.dumps(out))
`

func TestOpenpyxlReadsWorkbook(t *testing.T) {
	python := ""
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if path, err := exec.LookPath(p); err == nil && exec.Command(path, "-c", "import openpyxl").Run() == nil {
			python = path
			break
		}
	}
	if python == "" {
		t.Skip("python3 with openpyxl not installed")
	}
	b, r := sampleBundle(t)
	file := filepath.Join(t.TempDir(), "timeline.xlsx")
	if err := os.WriteFile(file, render(t, b, r, Options{}), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, "-c", readerScript, file).CombinedOutput()
	if err != nil {
		t.Fatalf("openpyxl: %v\n%s", err, out)
	}
	var got struct {
		Sheets         []string
		Time           string
		TimeIsDate     bool   `json:"time_is_date"`
		DurationFormat string `json:"duration_format"`
		Freeze, Filter string
		Highlight      []string
		InjectedType   string `json:"injected_type"`
		InjectedValue  string `json:"injected_value"`
		Link           string
		Charts         int
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	checks := []struct {
		name     string
		ok       bool
		got, why any
	}{
		{"sheet names", strings.Join(got.Sheets, ",") == "汇总,时间线,证据目录,核查结果,还款计划,每日联系", got.Sheets, "the zh names"},
		{"date cell", got.TimeIsDate && got.Time == "2025-01-20T22:41:05", got.Time, "the Shanghai wall clock as a date"},
		{"duration format", got.DurationFormat == "[h]:mm:ss", got.DurationFormat, "[h]:mm:ss"},
		{"frozen header", got.Freeze == "A2", got.Freeze, "A2"},
		{"auto filter", strings.ReplaceAll(got.Filter, "$", "") == "A1:Q20", got.Filter, "A1:Q20"},
		{"highlight", len(got.Highlight) == 1 && got.Highlight[0] == "A2:Q20", got.Highlight, "A2:Q20"},
		{"injected text stays text", got.InjectedType == "s" && got.InjectedValue == "=1+1", got.InjectedType + " " + got.InjectedValue, "s =1+1"},
		{"link formula", strings.HasPrefix(got.Link, `=HYPERLINK("data/证据001_`), got.Link, "a HYPERLINK formula"},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !c.ok {
				t.Errorf("got %v, want %v", c.got, c.why)
			}
		})
	}
}
