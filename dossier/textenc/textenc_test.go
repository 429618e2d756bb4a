package textenc

import (
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
