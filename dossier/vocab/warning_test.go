package vocab

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// Every warning code reads in both languages, takes the same arguments in both, and reads as
// Chinese in Chinese.
func TestEveryWarningCodeWorded(t *testing.T) {
	keys := Keys("warn.")
	if len(keys) < 100 {
		t.Fatalf("only %d warning codes", len(keys))
	}
	for _, k := range keys {
		code := strings.TrimPrefix(k, "warn.")
		n, ok := arity(code)
		if !ok {
			t.Errorf("%s: the English format takes no count of arguments from 0 to 6: %q", code, terms[k][1])
			continue
		}
		args := make([]string, n)
		for i := range args {
			args[i] = fmt.Sprintf("ARG%d", i)
		}
		w := Warning{Code: code, Args: args}
		sameArguments(t, code, n, w.Message(ZH), w.Message(EN), terms[k][0] != "%s")
	}
}

// sameArguments checks one code's wording over the arguments ARG0... in both languages: the
// Chinese takes the same arguments, shows each of them, and (when han) reads as Chinese.
func sameArguments(t *testing.T, code string, n int, zh, en string, han bool) {
	t.Helper()
	if strings.Contains(zh, "%!") {
		t.Errorf("%s: Chinese takes other arguments than English (%d): %q", code, n, zh)
	}
	gotZH, gotEN := argToken.FindAllString(zh, -1), argToken.FindAllString(en, -1)
	slices.Sort(gotZH)
	slices.Sort(gotEN)
	if !slices.Equal(gotZH, gotEN) {
		t.Errorf("%s: Chinese shows %v, English %v", code, gotZH, gotEN)
	}
	if han && !strings.ContainsFunc(zh, isHan) {
		t.Errorf("%s: the Chinese wording has no Chinese: %q", code, zh)
	}
}

var argToken = regexp.MustCompile(`ARG\d`)

func arity(code string) (int, bool) {
	for n := 0; n <= 6; n++ {
		args := make([]string, n)
		if !strings.Contains((Warning{Code: code, Args: args}).Message(EN), "%!") {
			return n, true
		}
	}
	return 0, false
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

func TestWarningIn(t *testing.T) {
	cause := &Warning{Code: "unexpected-eof"}
	tests := []struct {
		name   string
		w      Warning
		zh, en string
	}{
		{"code with place and file", Warning{File: "calls.xml", Where: "line 7", Code: "element-bad-date", Args: []string{"call", "x"}},
			"calls.xml：第7行：<call> 已跳过：日期 “x” 无法使用", `calls.xml: line 7: <call> skipped: unusable date "x"`},
		{"cause worded too", Warning{Where: "part 2", Code: "damaged-content", Args: []string{"13"}, Cause: cause},
			"第2部分：第 13 字节之后内容损坏：文件意外结束", "part 2: damaged content after 13 bytes: unexpected end of file"},
		{"stored before codes", Warning{What: "old English text"}, "old English text", "old English text"},
		{"library text as cause", Warning{Code: "row-skipped", Cause: &Warning{What: "boom"}}, "此行已跳过：boom", "row skipped: boom"},
		{"code a newer build wrote", Warning{Code: "from-the-future", Args: []string{"1"}, What: "said in English"}, "said in English", "said in English"},
		{"count of the rest", Warning{Code: CodeMore, Args: []string{"1,000"}, Cause: &Warning{Code: "no-amount"}},
			"另有 1,000 条同类警告（没有金额）", "and 1,000 more like this (no amount)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.w.In(ZH); got != tt.zh {
				t.Errorf("zh %q, want %q", got, tt.zh)
			}
			if got := tt.w.In(EN); got != tt.en {
				t.Errorf("en %q, want %q", got, tt.en)
			}
		})
	}
}
