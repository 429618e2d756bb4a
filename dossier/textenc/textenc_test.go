package textenc

import (
	"bufio"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestNewReader(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("交易时间,交易分类\n2025-01-28,信用借还\n")
	tests := []struct {
		name, in, enc string
	}{
		{"utf8", "交易时间,交易分类\n2025-01-28,信用借还\n", UTF8},
		{"utf8 bom", "\xEF\xBB\xBF交易时间,交易分类\n2025-01-28,信用借还\n", UTF8BOM},
		{"gbk", gbk, GB18030},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, enc, err := NewReader(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			out, _ := io.ReadAll(r)
			if enc != tt.enc {
				t.Errorf("encoding %s, want %s", enc, tt.enc)
			}
			if string(out) != "交易时间,交易分类\n2025-01-28,信用借还\n" {
				t.Errorf("decoded %q", out)
			}
		})
	}
}

func TestDetectCutRune(t *testing.T) {
	s := []byte("通话时间")
	if got := Detect(s[:len(s)-1]); got != UTF8 {
		t.Fatalf("cut rune: %s", got)
	}
}

func TestBinary(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("交易时间,交易分类\n")
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"png signature", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", true},
		{"jpeg start", "\xff\xd8\xff\xe0\x00\x10JFIF\x00", true},
		{"two NULs in GBK-looking bytes", gbk + "\x00\x00", true},
		{"GBK text", gbk, false},
		{"GBK text with one stray NUL", gbk + "\x00", false},
		{"UTF-8 text with NULs and controls", "a\x00b\x01c", false},
		{"UTF-16LE with BOM", "\xff\xfea\x00\x01\x00", false},
		{"UTF-8 BOM", "\xef\xbb\xbf\x00\x01\xff", false},
		{"controls but no NUL", "\xff\x01\x02\x03", false},
		{"escape and form feed are text", "\xb4\x00\x1b\x0c\xb4", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Binary([]byte(tt.head)); got != tt.want {
				t.Errorf("Binary(%q) = %v, want %v", tt.head, got, tt.want)
			}
		})
	}
}

func TestFileName(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("催收记录.csv")
	for _, tt := range []struct{ name, raw, want string }{
		{"UTF-8 as it is", "截图.png", "截图.png"},
		{"GBK decoded", gbk, "催收记录.csv"},
		{"neither: U+FFFD", "a\xff\xfeb.txt", "a\uFFFDb.txt"},
		{"empty", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := FileName(tt.raw); got != tt.want {
				t.Errorf("FileName(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}

func TestReadLine(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     []string // each line read, "LONG" for one dropped as too long
	}{
		{"lines with either end", "a\r\nb\nc", 10, []string{"a", "b", "c"}},
		{"an empty line is a line", "a\n\nb\n", 10, []string{"a", "", "b"}},
		{"a long line is dropped, the next kept", "short\n" + strings.Repeat("x", 100) + "\nafter\n", 20, []string{"short", "LONG", "after"}},
		{"a long line past the reader's buffer", strings.Repeat("y", 40000) + "\nend", 64, []string{"LONG", "end"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			br := bufio.NewReaderSize(strings.NewReader(tt.in), 16)
			var got []string
			for {
				line, long, err := ReadLine(br, tt.max)
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if long {
					line = "LONG"
				}
				got = append(got, line)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		limit    int
		want     string
		cut      bool
	}{
		{"short enough", "还款", 6, "还款", false},
		{"cut on a rune boundary", "还款成功", 7, "还款…", true},
		{"cut before the first rune", "还", 2, "…", true},
		{"ascii", "abcdef", 3, "abc…", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, cut := Clip(tc.in, tc.limit)
			if got != tc.want || cut != tc.cut {
				t.Errorf("Clip(%q, %d) = %q, %v; want %q, %v", tc.in, tc.limit, got, cut, tc.want, tc.cut)
			}
		})
	}
}
