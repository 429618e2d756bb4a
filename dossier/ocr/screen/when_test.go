package screen

import (
	"testing"
	"time"
)

func TestParseStamp(t *testing.T) {
	zone, _ := time.LoadLocation("Asia/Shanghai")
	shot := time.Date(2025, 2, 5, 23, 32, 0, 0, zone) // a Wednesday
	at := func(y int, m time.Month, d, h, mi int) time.Time { return time.Date(y, m, d, h, mi, 0, 0, zone) }
	for _, tc := range []struct {
		in    string
		want  time.Time
		clock bool
	}{
		{"23:10", at(2025, 2, 5, 23, 10), true},
		{"今天 23:10", at(2025, 2, 5, 23, 10), true},
		{"23：10", at(2025, 2, 5, 23, 10), true},
		{"昨天 23:10", at(2025, 2, 4, 23, 10), true},
		{"昨天", at(2025, 2, 4, 0, 0), false},
		{"前天 08:05", at(2025, 2, 3, 8, 5), true},
		{"星期三 22:40", at(2025, 1, 29, 22, 40), true}, // today is Wednesday: the one before
		{"星期一 9:15", at(2025, 2, 3, 9, 15), true},
		{"星期-09:15", at(2025, 2, 3, 9, 15), true},
		{"星期—凌晨4:45", at(2025, 2, 3, 4, 45), true},
		{"周日 晚上10:30", at(2025, 2, 2, 22, 30), true},
		{"1月30日 晚上23:10", at(2025, 1, 30, 23, 10), true},
		{"1月30日 下午3:10", at(2025, 1, 30, 15, 10), true},
		{"1月30日 中午12:30", at(2025, 1, 30, 12, 30), true},
		{"1月30日 凌晨12:30", at(2025, 1, 30, 0, 30), true},
		{"12月30日 23:10", at(2024, 12, 30, 23, 10), true}, // no year: the last one before the screenshot
		{"2025年1月30日 23:10", at(2025, 1, 30, 23, 10), true},
		{"2025年1月30日", at(2025, 1, 30, 0, 0), false},
		{"2024/12/31 08:00", at(2024, 12, 31, 8, 0), true},
		{"01-30", at(2025, 1, 30, 0, 0), false},
		{"3月22日17-52", at(2024, 3, 22, 17, 52), true}, // the colon read as a dash
		{"1月30日 23.10", at(2025, 1, 30, 23, 10), true},
		{"2025年1月30日 23-10", at(2025, 1, 30, 23, 10), true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := parseStamp(tc.in, shot)
			if !ok || !got.t.Equal(tc.want) || got.clock != tc.clock {
				t.Errorf("parseStamp(%q) = %v clock=%v ok=%v, want %v clock=%v", tc.in, got.t, got.clock, ok, tc.want, tc.clock)
			}
		})
	}
	for _, bad := range []string{"", "您好", "25:10", "2月30日", "13月1日", "请在23号前还款", "12000", "17-52", "1月30日 23-70"} {
		if got, ok := parseStamp(bad, shot); ok {
			t.Errorf("parseStamp(%q) = %v, want no time", bad, got.t)
		}
	}
}

func TestRepeatCount(t *testing.T) {
	for in, want := range map[string]int{"147 2317 2826 (1.1)": 11, "159 0000 1111 (8)": 8, "李四（12）": 12} {
		m := countRE.FindStringSubmatch(in)
		if m == nil || repeatCount(m[1]) != want {
			t.Errorf("%q: count %v, want %d", in, m, want)
		}
	}
	if countRE.MatchString("支付宝客服(95188)") {
		t.Error("a five-digit number in brackets taken for a count")
	}
}

func TestNumberLabels(t *testing.T) {
	for in, want := range map[string]string{"192.7788 1248": "19277881248", "159 0000 1111": "15900001111", "021-6088 8888": "02160888888"} {
		if !numberish(in) || normalizeNumber(in) != want {
			t.Errorf("%q: numberish %v, %q; want %q", in, numberish(in), normalizeNumber(in), want)
		}
	}
	if numberish("支付宝客服") || numberish("12") {
		t.Error("a name or a short number taken for a phone number")
	}
}
