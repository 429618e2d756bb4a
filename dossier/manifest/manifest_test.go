package manifest

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSafeName(t *testing.T) {
	long := strings.Repeat("很长的名字", 40) + ".jpg"
	tests := []struct{ name, in, want string }{
		{"plain", "Screenshot_20250128-233252.png", "Screenshot_20250128-233252.png"},
		{"chinese", "支付宝交易明细(20250101-20250331).csv", "支付宝交易明细(20250101-20250331).csv"},
		{"parent dirs", "../../etc/passwd", "passwd"},
		{"windows path", `C:\Users\a\evil.exe`, "evil.exe"},
		{"absolute", "/tmp/x.txt", "x.txt"},
		{"newline", "a\nb.txt", "a_b.txt"},
		{"reserved", "CON.txt", "_CON.txt"},
		{"reserved com", "com1", "_com1"},
		{"dots only", "..", "unnamed"},
		{"hidden", ".bashrc", "bashrc"},
		{"empty", "", "unnamed"},
		{"windows forbidden", `a<b>c:d"e|f?g*.txt`, "a_b_c_d_e_f_g_.txt"},
		{"nfd", "e\u0301.txt", "\u00e9.txt"},
		{"invalid utf8", "a\xffb.txt", "a_b.txt"},
		{"bidi override", "invoice\u202Egnp.exe", "invoice_gnp.exe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SafeName(tt.in); got != tt.want {
				t.Errorf("SafeName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	got := SafeName(long)
	if len(got) > MaxNameBytes || !strings.HasSuffix(got, ".jpg") || !utf8.ValidString(got) {
		t.Errorf("long name: %q (%d bytes)", got, len(got))
	}
}

func FuzzSafeName(f *testing.F) {
	for _, s := range []string{"a.txt", "../x", "CON", "\x00", strings.Repeat("字", 200)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := SafeName(s)
		if n == "" || strings.ContainsAny(n, "/\\\x00\n\r") || n == "." || n == ".." || len(n) > MaxNameBytes || !utf8.ValidString(n) {
			t.Fatalf("SafeName(%q) = %q", s, n)
		}
	})
}

func TestRoundTrip(t *testing.T) {
	m := &Manifest{Format: Format, CaseID: "c", Title: "标题", Items: []Entry{{Exhibit: 1, Name: "a<b>.png", File: ExhibitFileName(1, "a<b>.png"), SHA256: "00"}}}
	enc := m.Encode()
	if !bytes.Contains(enc, []byte("a<b>.png")) {
		t.Fatalf("HTML escaped: %s", enc)
	}
	back, err := Parse(bytes.NewReader(enc))
	if err != nil {
		t.Fatal(err)
	}
	if back.Digest() != m.Digest() || back.Items[0].File != "证据001_a_b_.png" {
		t.Fatalf("round trip: %+v", back)
	}
}
