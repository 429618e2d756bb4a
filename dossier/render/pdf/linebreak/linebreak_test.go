package linebreak

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dossier-tool/dossier/dossier/internal/golden"
)

// monospace measures a CJK or full-width character as 2 and anything else as 1, like a terminal,
// so that the golden files can be checked by eye.
func monospace(s string) float64 {
	w := 0.0
	for _, r := range s {
		if standsAlone(r) || r > 0x2E80 {
			w += 2
		} else {
			w++
		}
	}
	return w
}

var cases = []struct {
	name  string
	text  string
	width float64
}{
	{"empty-lines", "第一行\n\n第三行", 20},
	{"cjk-plain", "自二〇二五年一月二十日起催收人员每天多次来电包括夜间十点以后并联系我的配偶", 20},
	{"no-start-comma", "一二三四五六七八九，十一二三四五六七八九十", 18},
	{"no-start-period-run", "一二三四五六七八九。”后面还有文字继续写下去", 18},
	{"no-end-open-bracket", "一二三四五六七（括号内的文字）之后继续", 16},
	{"no-end-book-title", "依据中国银行业协会《金融机构个人消费类贷款催收工作指引（试行）》的规定", 20},
	{"no-end-quote", "他说一二三四五六“不要再打电话了”然后挂断", 14},
	{"latin-words", "Collectors kept calling after the repayment agreement was reached on 29 January", 24},
	{"mixed", "2025年1月27日催收员15900001111共拨打8次未接来电，远超每日6次的上限。", 20},
	{"long-word", "附件链接https://example.com/a/very/long/path/without/any/spaces/at/all结束", 16},
	{"spaces-trimmed", "word    another    third", 8},
	{"narrower-than-a-char", "中文", 1},
}

func TestBreakGolden(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lines := Break(tc.text, tc.width, monospace)
			var b strings.Builder
			for _, l := range lines {
				b.WriteString("|" + l + "|\n")
			}
			golden.Check(t, filepath.Join("testdata", tc.name+".golden"), []byte(b.String()))
			checkInvariants(t, tc.text, tc.width, lines)
		})
	}
}

// checkInvariants asserts what must hold for any input: nothing dropped, nothing too wide unless
// unbreakable, and the punctuation rules kept wherever the line had another choice.
func checkInvariants(t *testing.T, text string, width float64, lines []string) {
	t.Helper()
	strip := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
				return -1
			}
			return r
		}, s)
	}
	if got, want := strip(strings.Join(lines, "")), strip(text); got != want {
		t.Fatalf("characters lost or changed:\n got %q\nwant %q", got, want)
	}
	for i, l := range lines {
		if monospace(l) > width && utf8.RuneCountInString(l) > 1 && !strings.ContainsAny(l, "/") && !strings.Contains(l, " ") {
			continue // one unbreakable word
		}
		if i > 0 && l != "" && lines[i-1] != "" {
			first, _ := utf8.DecodeRuneInString(l)
			if strings.ContainsRune("，。、；：？！）】》”", first) {
				t.Errorf("line %d starts with %q: %q", i+1, first, l)
			}
		}
		if i+1 < len(lines) && lines[i+1] != "" {
			last, _ := utf8.DecodeLastRuneInString(l)
			if strings.ContainsRune("（【《“", last) {
				t.Errorf("line %d ends with %q: %q", i+1, last, l)
			}
		}
	}
}

func TestBreakWidth(t *testing.T) {
	text := strings.Repeat("催收人员在协议达成后仍然每天来电，", 20)
	for _, width := range []float64{4, 10, 17, 33, 80} {
		lines := Break(text, width, monospace)
		for i, l := range lines {
			if monospace(l) > width {
				t.Errorf("width %v: line %d is %v wide: %q", width, i+1, monospace(l), l)
			}
		}
		checkInvariants(t, text, width, lines)
	}
}

func TestBreakEmpty(t *testing.T) {
	if got := Break("", 10, monospace); len(got) != 0 {
		t.Errorf("Break(\"\") = %q, want no lines", got)
	}
	if got := Break("   ", 10, monospace); len(got) != 1 || got[0] != "" {
		t.Errorf("Break(spaces) = %q, want one empty line", got)
	}
}

func FuzzBreak(f *testing.F) {
	for _, tc := range cases {
		f.Add(tc.text, tc.width)
	}
	f.Fuzz(func(t *testing.T, text string, width float64) {
		if !utf8.ValidString(text) || width != width || width > 1e6 || width < -1e6 {
			return
		}
		lines := Break(text, width, monospace)
		strip := func(s string) string {
			return strings.Map(func(r rune) rune {
				if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
					return -1
				}
				return r
			}, s)
		}
		if got, want := strip(strings.Join(lines, "")), strip(text); got != want {
			t.Fatalf("characters lost: got %q want %q", got, want)
		}
	})
}

func BenchmarkBreak(b *testing.B) {
	text := strings.Repeat("2025年1月27日催收员15900001111共拨打8次未接来电，远超每日6次的上限。Collectors kept calling. ", 50)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Break(text, 80, monospace)
	}
}

// A break never separates a number from its unit, an exhibit or ordinal prefix from its number,
// or the two ends of a time range: at every width, each of these comes out on one line.
func TestBreakKeepsTogether(t *testing.T) {
	text := "本人按协议每期还款1000.00元，催收方在22:00–08:00之间来电8次，详见证据12及第3期还款记录。"
	whole := []string{"1000.00元", "22:00–08:00", "8次", "证据12", "第3期"}
	for width := 6.0; width <= 40; width++ {
		lines := Break(text, width, monospace)
		if strings.Join(lines, "") != text {
			t.Fatalf("width %v: characters lost: %q", width, lines)
		}
		for _, w := range whole {
			if monospace(w) > width {
				continue // wider than a line: it must be cut somewhere
			}
			if !strings.Contains(strings.Join(lines, "\n"), w) {
				t.Errorf("width %v: %q split: %q", width, w, lines)
			}
		}
	}
}
