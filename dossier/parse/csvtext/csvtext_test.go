package csvtext

import (
	"errors"
	"github.com/dossier-tool/dossier/dossier/parse"
	"io"
	"strings"
	"testing"
)

func TestLineReader(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		cells [][]string
		lines []int
	}{
		{"plain with trailing comma", "a,b,\n1,2,\n", [][]string{{"a", "b", ""}, {"1", "2", ""}}, []int{1, 2}},
		{"CRLF", "a,b\r\nc,d\r\n", [][]string{{"a", "b"}, {"c", "d"}}, []int{1, 2}},
		{"quoted comma and doubled quote", `"x,y","say ""hi"""` + "\n", [][]string{{"x,y", `say "hi"`}}, []int{1}},
		{"quoted cell over two lines", "\"a\nb\",c\nd\n", [][]string{{"a\nb", "c"}, {"d"}}, []int{1, 3}},
		{"stray quote inside an unquoted cell", `特别提示:"注意"事项,x` + "\n", [][]string{{`特别提示:"注意"事项`, "x"}}, []int{1}},
		{"last line without newline", "a\nb", [][]string{{"a"}, {"b"}}, []int{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lr := NewLineReader(strings.NewReader(tt.in))
			for i := range tt.cells {
				cells, line, err := lr.Record()
				if err != nil {
					t.Fatal(err)
				}
				if strings.Join(cells, "|") != strings.Join(tt.cells[i], "|") || line != tt.lines[i] {
					t.Fatalf("record %d = %q at line %d, want %q at line %d", i, cells, line, tt.cells[i], tt.lines[i])
				}
			}
			if _, _, err := lr.Record(); err != io.EOF {
				t.Fatalf("after the last record: %v", err)
			}
		})
	}
}

func TestLineTooLongIsSkipped(t *testing.T) {
	lr := NewLineReader(strings.NewReader(strings.Repeat("x", MaxLineBytes+1) + "\nok\n"))
	if _, _, err := lr.Record(); !errors.Is(err, ErrLineTooLong) {
		t.Fatalf("long line: %v", err)
	}
	cells, line, err := lr.Record()
	if err != nil || cells[0] != "ok" || line != 2 {
		t.Fatalf("after a long line: %q %d %v", cells, line, err)
	}
}

func TestCleanAndJoin(t *testing.T) {
	if Clean(" 2025012922001\t") != "2025012922001" || Clean(" / ") != "" {
		t.Fatal("Clean")
	}
	if JoinCells([]string{"起始时间：[2025-01-01]", " ", "终止时间：[2025-04-15]", ""}) != "起始时间：[2025-01-01] 终止时间：[2025-04-15]" {
		t.Fatal("JoinCells")
	}
}

func TestBudget(t *testing.T) {
	b := NewBudget(strings.NewReader(strings.Repeat("x", 100)), 40)
	buf := make([]byte, 64)
	n, _ := b.Read(buf)
	if n != 40 {
		t.Fatalf("read %d, want the 40-byte budget", n)
	}
	if _, err := b.Read(buf); !errors.Is(err, ErrRecordTooLong) {
		t.Fatalf("over budget: %v", err)
	}
	b.Reset()
	if n, err := b.Read(buf); n != 40 || err != nil {
		t.Fatalf("after Reset: %d %v", n, err)
	}
}

func FuzzLineReader(f *testing.F) {
	for _, s := range []string{"a,b\n", "\"open\n", `""""`, "x\r\n\"a\nb\",c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lr := NewLineReader(strings.NewReader(s))
		for i := 0; i < 10000; i++ {
			if _, _, err := lr.Record(); err == io.EOF {
				return
			}
		}
		t.Fatal("no end")
	})
}

func TestFindInHead(t *testing.T) {
	isHeader := func(rec []string) bool { return len(rec) > 1 && rec[0] == "号码" }
	gbk := "\xba\xc5\xc2\xeb,\xca\xb1\xbc\xe4\n" // 号码,时间 in GBK
	tests := []struct {
		name string
		s    parse.Sniff
		want bool
	}{
		{"header after a preamble", parse.Sniff{MIME: "text/plain", Head: []byte("导出时间：2025\n号码,时间\n1,2\n"), Size: 30}, true},
		{"GBK header", parse.Sniff{MIME: "text/plain", Head: []byte(gbk), Size: int64(len(gbk))}, true},
		{"binary file", parse.Sniff{MIME: "image/png", Head: []byte("号码,时间\n"), Size: 20}, false},
		{"header beyond the lines looked at", parse.Sniff{MIME: "text/csv", Head: []byte("a\nb\nc\n号码,时间\n"), Size: 20}, false},
		{"header cut by the head limit", parse.Sniff{MIME: "text/csv", Head: []byte("x\n号码,时"), Size: 1000}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FindInHead(&tt.s, 3, isHeader) != nil; got != tt.want {
				t.Fatalf("found = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCapped(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   string
		hit  bool
	}{{"shorter than the cap", "abc", false}, {"exactly the cap", "abcd", false}, {"longer", "abcde", true}} {
		t.Run(tt.name, func(t *testing.T) {
			c := &Capped{R: strings.NewReader(tt.in), Left: 4}
			b, _ := io.ReadAll(c)
			if string(b) != tt.in[:min(4, len(tt.in))] || c.Hit != tt.hit {
				t.Fatalf("read %q, hit %v", b, c.Hit)
			}
		})
	}
}

func TestErrorLine(t *testing.T) {
	r := NewReader(strings.NewReader("a,b\n\"open"))
	r.LazyQuotes = false
	r.Read()
	_, err := r.Read()
	if got := ErrorLine(err, 1); got != 2 {
		t.Fatalf("parse error at line %d, want 2 (%v)", got, err)
	}
	if got := ErrorLine(errors.New("disk"), 7); got != 8 {
		t.Fatalf("other error: line %d, want 8", got)
	}
}
