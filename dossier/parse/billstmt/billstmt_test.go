package billstmt

import (
	"testing"
	"time"
)

func TestNote(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	tests := []struct {
		name, line, key, want string
	}{
		{"alipay name", "姓名：张三", "name", "张三"},
		{"alipay 2019 user", "导出时间:[2019-05-01 10:00:00]    用户:张三", "name", "张三"},
		{"wechat nickname", "微信昵称：[ 阿三 ]", "name", "阿三"},
		{"account", "支付宝账户：zhang***@example.com", "account", "zhang***@example.com"},
		{"period start, app colon", "起始时间：[2025-01-01 00:00:00]    终止时间：[2025-04-15 23:59:59]", "period_start", "2025-01-01 00:00:00"},
		{"period end, web colon", "起始日期:[2019-01-01]    终止日期:[2019-03-31]", "period_end", "2019-03-31"},
		{"alipay export type", "导出交易类型：[全部]", "export_type", "全部"},
		{"wechat export type", "导出类型：[全部]", "export_type", "全部"},
		{"records", "共20笔记录", "records_stated", "20"},
		{"alipay neutral total", "不计收支：4笔 3,958.00元", "neutral", "4笔 3958.00元"},
		{"wechat neutral total", "中性交易：1笔 300.00元", "neutral", "1笔 300.00元"},
		{"pending", "待支出：2笔 10元", "pending_expense", "2笔 10.00元"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := New()
			st.Note(tt.line, loc)
			if got := st.Info[tt.key]; got != tt.want {
				t.Fatalf("%s = %q, want %q (info %v)", tt.key, got, tt.want, st.Info)
			}
		})
	}
	st := New()
	st.Note("导出时间：[2025-04-15 10:23:45]", loc)
	if st.ExportTime.Format(time.RFC3339) != "2025-04-15T10:23:45+08:00" {
		t.Fatalf("export time %v", st.ExportTime)
	}
	if _, ok := st.CountWarning(3); ok {
		t.Fatal("a count warning without a stated count")
	}
	st.Note("共2笔记录", loc)
	if w, ok := st.CountWarning(3); !ok || w.Message("en") != "the bill states 2 records but 3 rows were found" {
		t.Fatalf("count warning %v %v", w, ok)
	}
}

func TestIsTrailerStart(t *testing.T) {
	for _, tt := range []struct {
		line string
		want bool
	}{
		{"------------------------------------------------------------------------------------", true},
		{"共20笔记录", true},
		{"收入：1笔 100.00元", true},
		{"导出信息：", true},
		{"2025-02-10 09:12:33,信用借还,花呗", false},
		{"", false},
	} {
		if got := IsTrailerStart(tt.line, "导出信息"); got != tt.want {
			t.Errorf("IsTrailerStart(%q) = %v", tt.line, got)
		}
	}
}

func TestParseTime(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	for _, tt := range []struct{ in, want string }{
		{"2025-02-10 09:12:33", "2025-02-10T09:12:33+08:00"},
		{" 2025/2/10 9:12 ", "2025-02-10T09:12:00+08:00"},
		{"2/10/25 09:12", "2025-02-10T09:12:00+08:00"},
		{"45698.38375", "2025-02-10T09:12:36+08:00"}, // an Excel serial
	} {
		got, err := ParseTime(tt.in, loc)
		if err != nil || got.Format(time.RFC3339) != tt.want {
			t.Errorf("ParseTime(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	if _, err := ParseTime("yesterday", loc); err == nil {
		t.Error("nonsense parsed")
	}
}

func TestSkip(t *testing.T) {
	st := New()
	lines := []struct {
		text string
		skip bool
	}{
		{"2025-02-10,信用借还", false},
		{"", true},
		{"------------------------", true},
		{"2025-02-11,这行在汇总之后", true},
		{"共2笔记录", true},
	}
	for _, l := range lines {
		if got := st.Skip(l.text, time.UTC, "导出信息"); got != l.skip {
			t.Fatalf("Skip(%q) = %v", l.text, got)
		}
	}
	if !st.InTrailer() || st.Records != 2 {
		t.Fatalf("trailer %v, records %d", st.InTrailer(), st.Records)
	}
}

func TestColumns(t *testing.T) {
	type col int
	const (
		when col = iota
		amount
		note
		n
	)
	names := map[string]col{"交易时间": when, "金额": amount, "备注": note}
	required := []col{when, amount}
	if _, ok := FindColumns([]string{"交易时间", "备注"}, names, int(n), required); ok {
		t.Fatal("a header without 金额 accepted")
	}
	c, ok := FindColumns([]string{" 金额 ", "交易时间", "其他", "备注", ""}, names, int(n), required)
	if !ok || c.Pos[amount] != 0 || c.Pos[when] != 1 || c.Pos[note] != 3 || c.Named != 4 {
		t.Fatalf("columns %+v", c)
	}
	tests := []struct {
		name   string
		cells  []string
		ragged bool
		bad    bool
	}{
		{"complete", []string{"1.00", "2025-02-10", "x", "/"}, false, false},
		{"short but every required cell", []string{"1.00", "2025-02-10"}, true, false},
		{"lacks a required cell", []string{"1.00"}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ragged, err := c.Check(tt.cells)
			if (err != nil) != tt.bad || (ragged != nil) != tt.ragged {
				t.Fatalf("ragged %v, err %v", ragged, err)
			}
		})
	}
	if c.Cell([]string{"1.00", "t", "x", " / "}, int(note)) != "" || c.Cell([]string{"1.00"}, int(note)) != "" ||
		c.Cell([]string{" 1.00\t"}, int(amount)) != "1.00" {
		t.Fatal("Cell")
	}
}
