package wechatpay

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// bigBillWorkbook is a bill whose worksheet inflates past what excelize keeps in memory.
func bigBillWorkbook(t *testing.T, rows int) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	set := func(r int, vals ...any) {
		if err := sw.SetRow(fmt.Sprintf("A%d", r), vals); err != nil {
			t.Fatal(err)
		}
	}
	set(1, "微信支付账单明细")
	set(17, "交易时间", "交易类型", "交易对方", "商品", "收/支", "金额(元)", "支付方式", "当前状态", "交易单号", "商户单号", "备注")
	goods := strings.Repeat("花呗还款 ", 40)
	for i := 0; i < rows; i++ {
		set(18+i, "2025-02-10 09:00:00", "商户消费", "某商户", goods, "支出", "¥1.00", "零钱", "支付成功", fmt.Sprintf("4200%016d\t", i), "/", "/")
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// watch lists what appears in dirs while fn runs.
func watch(dirs []string, fn func()) map[string][]string {
	seen := map[string][]string{}
	known := map[string]bool{}
	var mu sync.Mutex
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			for _, d := range dirs {
				es, _ := os.ReadDir(d)
				mu.Lock()
				for _, e := range es {
					if p := d + "/" + e.Name(); !known[p] {
						known[p] = true
						seen[d] = append(seen[d], e.Name())
					}
				}
				mu.Unlock()
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	return seen
}

// TestWorkbookNeverSpillsToSystemTemp: the inflated sheet holds the bill's text; it goes into
// the folder inside the case the caller names, or stays in memory, never into $TMPDIR.
func TestWorkbookNeverSpillsToSystemTemp(t *testing.T) {
	// A sheet of some 600 KB, over a threshold lowered to 256 KB, behaves as a 20 MB one does
	// over the real 16 MB.
	defer func(v int64) { xmlInMemory = v }(xmlInMemory)
	xmlInMemory = 256 << 10
	data := bigBillWorkbook(t, 3000)
	scratchBase := t.TempDir() // made before $TMPDIR points at the folder that must stay empty
	system := t.TempDir()
	t.Setenv("TMPDIR", system)
	tests := []struct {
		name       string
		scratch    bool
		wantSpills bool
	}{
		{"a folder inside the case", true, true},
		{"no folder: kept in memory", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scratch := ""
			if tt.scratch {
				var err error
				if scratch, err = os.MkdirTemp(scratchBase, "case-tmp-"); err != nil {
					t.Fatal(err)
				}
			}
			var err error
			seen := watch([]string{system, scratch}, func() {
				_, err = ReadXLSX(bytes.NewReader(data), int64(len(data)), nil, scratch)
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := seen[system]; len(got) > 0 {
				t.Errorf("$TMPDIR got %v", got)
			}
			if tt.wantSpills && len(seen[scratch]) == 0 {
				t.Errorf("nothing spilled into the case's folder: the sheet was too small to test this")
			}
			if tt.scratch {
				if es, _ := os.ReadDir(scratch); len(es) > 0 {
					t.Errorf("left behind: %v", es)
				}
			}
		})
	}
}
