package screens

import (
	"strings"
	"testing"
	"time"
)

func TestStamp(t *testing.T) {
	zone, _ := time.LoadLocation("Asia/Shanghai")
	shot := time.Date(2025, 2, 5, 23, 32, 0, 0, zone)
	for _, tc := range []struct {
		t      time.Time
		twelve bool
		want   string
	}{
		{shot.Add(-22 * time.Minute), false, "23:10"},
		{shot.Add(-22 * time.Minute), true, "晚上11:10"},
		{shot.Add(-25 * time.Hour), false, "昨天 22:32"},
		{time.Date(2025, 2, 3, 9, 5, 0, 0, zone), true, "星期一 上午9:05"},
		{time.Date(2025, 1, 28, 12, 30, 0, 0, zone), true, "1月28日 中午12:30"},
		{time.Date(2024, 12, 30, 2, 0, 0, 0, zone), false, "2024年12月30日 02:00"},
	} {
		if got := Stamp(tc.t, shot, tc.twelve); got != tc.want {
			t.Errorf("Stamp(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

func TestHTMLEscapesText(t *testing.T) {
	c := &Chat{Title: "<script>", Entries: []Entry{{Text: "a&b"}}}
	h := c.HTML(Style{Width: 360, Height: 800, Scale: 1})
	if strings.Contains(h, "<script>") || !strings.Contains(h, "a&amp;b") {
		t.Error("chat text not escaped")
	}
}
