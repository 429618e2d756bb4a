package parse

import (
	"fmt"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestSniffText(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("导出时间\n交易时间,金额\n2025-01-28,1")
	tests := []struct {
		name        string
		head        string
		size        int64 // 0: the head is the whole file
		text, lines string
		ok          bool
	}{
		{"UTF-8 whole file", "a,b\nc,d", 0, "a,b\nc,d", "a,b\nc,d", true},
		{"UTF-8 head cut", "a,b\nc,d", 100, "a,b\nc,d", "a,b\n", true},
		{"BOM removed", "\xef\xbb\xbfa,b\nc", 100, "a,b\nc", "a,b\n", true},
		{"GBK head cut", gbk, 1000, "导出时间\n交易时间,金额\n2025-01-28,1", "导出时间\n交易时间,金额\n", true},
		{"invalid byte only in the cut line", "号码,时间\n1\xff", 1000, "", "号码,时间\n", true},
		{"cut line without a newline", "号码,时间", 1000, "号码,时间", "号码,时间", true},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff", 1000, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			size := tt.size
			if size == 0 {
				size = int64(len(tt.head))
			}
			s := &Sniff{Head: []byte(tt.head), Size: size}
			text, ok := s.Text()
			if ok != tt.ok || (tt.text != "" && text != tt.text) {
				t.Errorf("Text() = %q, %v; want %q, %v", text, ok, tt.text, tt.ok)
			}
			lines, ok := s.Lines()
			if ok != tt.ok || lines != tt.lines {
				t.Errorf("Lines() = %q, %v; want %q, %v", lines, ok, tt.lines, tt.ok)
			}
			if again, _ := s.Text(); again != text {
				t.Errorf("second Text() = %q, want %q", again, text)
			}
		})
	}
}

func TestWarningsCap(t *testing.T) {
	var ws Warnings
	for i := range 25 {
		ws.Add(Warnf(fmt.Sprintf("line %d", i+1), "bad date"))
		if i == 2 {
			ws.Add(Warnf("line 3", "other"))
		}
	}
	got := ws.List()
	if len(got) != 22 {
		t.Fatalf("%d warnings: %v", len(got), got)
	}
	if got[3].String() != "line 3: other" {
		t.Errorf("warnings out of order: %v", got[:4])
	}
	if got[20].String() != "line 20: bad date" || got[21].String() != "and 5 more like this (bad date)" {
		t.Errorf("end of list %v", got[19:])
	}
	if n := len(CapWarnings(got[:3])); n != 3 {
		t.Errorf("few warnings capped to %d", n)
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 999980: "999,980", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
