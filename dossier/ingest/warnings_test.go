package ingest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/ingest"
)

// A backup of thousands of elements with the same fault keeps twenty warnings in full and one
// that counts the rest, not one warning each (a million empty <sms/> made a 77 MB index).
func TestRepeatedWarningsCapped(t *testing.T) {
	tests := []struct {
		name, file, body string
		n                int
		wantMore         string
	}{
		{"empty sms elements", "sms-20250415.xml", "<sms/>", 5000, "and 4,980 more like this"},
		{"calls without a date", "calls-20250415.xml", `<call number="15900001111" duration="0" type="3"/>`, 25, "and 5 more like this"},
		{"twenty are all kept", "sms-20250416.xml", "<sms/>", 20, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := "smses"
			if strings.HasPrefix(tt.file, "calls") {
				root = "calls"
			}
			var b strings.Builder
			fmt.Fprintf(&b, "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<%s count=\"%d\">\n", root, tt.n)
			for range tt.n {
				b.WriteString(tt.body + "\n")
			}
			fmt.Fprintf(&b, "</%s>\n", root)
			items := addReal(t, map[string][]byte{tt.file: []byte(b.String())}, ingest.Options{})
			if len(items) != 1 {
				t.Fatalf("%d items", len(items))
			}
			ws := items[0].Warnings
			if len(ws) > 25 {
				t.Fatalf("%d warnings kept, want at most 20 of a kind and a count", len(ws))
			}
			full, more := 0, ""
			for _, w := range ws {
				if strings.Contains(w, "skipped") && !strings.Contains(w, "more like this") {
					full++
				}
				if strings.Contains(w, "more like this") {
					more = w
				}
			}
			if want := min(tt.n, 20); full != want {
				t.Errorf("%d warnings in full, want %d:\n%s", full, want, strings.Join(ws, "\n"))
			}
			if tt.wantMore == "" && more != "" || !strings.Contains(more, tt.wantMore) {
				t.Errorf("count warning %q, want one saying %q:\n%s", more, tt.wantMore, strings.Join(ws, "\n"))
			}
		})
	}
}
