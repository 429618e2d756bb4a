package serve

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

var screenshots = flag.Bool("screenshots", false, "write the browser test's screenshots to samples/preview for the README")

// inReadme are the screenshots the README shows.
var inReadme = map[string]bool{"evidence": true, "numbers": true, "timeline": true, "build": true}

// TestBrowser drives Debian's chromium through what a person does: create a case, fill in the
// details, drop the sample evidence folder, give a number its role, build, download the packet
// and verify it on the verify page.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	chrome, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (apt-get install chromium, or make test-tools): browser test skipped")
	}
	samples, _ := filepath.Abs("../../samples/evidence")
	a := start(t, Options{})
	profile, downloads := t.TempDir(), t.TempDir()
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(chrome), chromedp.UserDataDir(profile), chromedp.WindowSize(1100, 900),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true)}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	defer cancelT()
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			png, err := chromedp.CaptureScreenshot()(ctx, tg)
			if err != nil {
				return err
			}
			dir := t.TempDir()
			if *screenshots && inReadme[name] {
				dir = "../../samples/preview"
			}
			return os.WriteFile(filepath.Join(dir, "web-"+name+".png"), png, 0o644)
		})
	}
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		start := time.Now()
		for i, act := range actions {
			actx, cancel := context.WithTimeout(ctx, 30*time.Second)
			err := chromedp.Do(actx, act)
			cancel()
			if err != nil {
				dctx, dcancel := context.WithTimeout(ctx, 5*time.Second)
				html, _ := chromedp.Run(dctx, chromedp.OuterHTML(chromedp.CSS("main")))
				url, _ := chromedp.Run(dctx, chromedp.Location())
				dcancel()
				ents, _ := os.ReadDir(a.root)
				t.Fatalf("%s, action %d: %v\n%s\n%.2000s\n%v", what, i+1, err, url, html, ents)
			}
		}
		t.Logf("%s: %v", what, time.Since(start).Round(time.Millisecond))
	}

	// The browser lives as long as the context of the first call.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads}); err != nil {
		t.Fatal(err)
	}
	step("open the printed address", chromedp.Navigate(a.s.URL()))
	step("create a case",
		chromedp.WaitVisible(chromedp.CSS(`#new-case`)),
		chromedp.SetValue(chromedp.CSS(`#new-case input[name=title]`), "花呗协商还款后仍被催收"),
		chromedp.SetValue(chromedp.CSS(`#new-case input[name=folder]`), "demo"),
		chromedp.Click(chromedp.CSS(`#new-case button`)),
		chromedp.WaitVisible(chromedp.CSS(`#details`)),
	)
	step("fill in the details",
		chromedp.SetValue(chromedp.CSS(`input[name=c_name]`), "张三"),
		chromedp.SetValue(chromedp.CSS(`input[name=c_phone]`), "13800138000"),
		chromedp.SetValue(chromedp.CSS(`textarea[name=contacts]`), "95188, 支付宝客服, creditor\n15900001111, 某某资产催收员, collector"),
		chromedp.SetValue(chromedp.CSS(`input[name=a_date]`), "2025-01-29"),
		chromedp.SetValue(chromedp.CSS(`input[name=a_count]`), "12"),
		chromedp.SetValue(chromedp.CSS(`input[name=a_amount]`), "1000.00"),
		chromedp.SetValue(chromedp.CSS(`input[name=a_first]`), "2025-02-10"),
		chromedp.SetValue(chromedp.CSS(`textarea[name=narrative]`), "2025年1月29日与平台达成分期还款协议，此后仍多次在夜间接到催收电话，并有催收员联系我的家人。"),
		chromedp.Click(chromedp.CSS(`#save-details`)),
		chromedp.WaitVisible(chromedp.CSS(`p.notice`)),
		shot("details"),
	)
	y, _ := os.ReadFile(filepath.Join(a.root, "demo", "case.yaml"))
	if !strings.Contains(string(y), "name: 张三") || !strings.Contains(string(y), "# 规则阈值") {
		t.Fatalf("case.yaml after the form:\n%s", y)
	}

	// Drop the folder on the drop zone as a person drags it from the file manager.
	var x, y0 float64
	step("drop the sample evidence folder",
		chromedp.Navigate(a.base+"/c/demo/evidence"),
		chromedp.WaitVisible(chromedp.CSS(`#drop`)),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			box, err := chromedp.Evaluate[[]float64](`(function(){var r=document.getElementById('drop').getBoundingClientRect();return [r.x+r.width/2,r.y+r.height/2]})()`)(ctx, tg)
			if err != nil {
				return err
			}
			x, y0 = box[0], box[1]
			data := &input.DragData{Items: []*input.DragDataItem{}, Files: []string{samples}, DragOperationsMask: 1}
			for _, typ := range []input.DispatchDragEventType{input.DispatchDragEventTypeDragEnter, input.DispatchDragEventTypeDragOver, input.DispatchDragEventTypeDrop} {
				if _, err := cdp.Call(ctx, tg, input.DispatchDragEvent, input.DispatchDragEventParams{Type: typ, X: x, Y: y0, Data: data}); err != nil {
					return err
				}
			}
			return nil
		}),
		chromedp.WaitVisible(chromedp.CSS(`#drop[data-done="done"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#items tr[data-exhibit="20"]`)),
		shot("evidence"),
	)

	step("edit a title in place",
		chromedp.SetValue(chromedp.CSS(`#item-1 input[name=title]`), "本人手机通话记录"),
		chromedp.Click(chromedp.CSS(`#item-1 form.edit button`)),
		chromedp.WaitVisible(chromedp.CSS(`#item-1 .result.ok`)),
	)
	var before, after int
	var first string
	count := func(n *int) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) (err error) {
			*n, err = chromedp.Evaluate[int](`document.querySelectorAll('#numbers tr[data-number]').length`)(ctx, tg)
			return err
		})
	}
	step("tag a number",
		chromedp.Navigate(a.base+"/c/demo/numbers"),
		chromedp.WaitVisible(chromedp.CSS(`#numbers`)),
		count(&before),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) (err error) {
			first, err = chromedp.Evaluate[string](`document.querySelector('#numbers tr[data-number]').dataset.number`)(ctx, tg)
			return err
		}),
		shot("numbers"),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			sel := fmt.Sprintf(`#numbers tr[data-number=%q]`, first)
			if _, err := chromedp.Click(chromedp.CSS(sel+` button[data-role="collector"]`))(ctx, tg); err != nil {
				return err
			}
			_, err := chromedp.WaitNotPresent(chromedp.CSS(sel))(ctx, tg)
			return err
		}),
		count(&after),
	)
	if before == 0 || after != before-1 {
		t.Fatalf("numbers without a role: %d before tagging, %d after", before, after)
	}
	if y, _ := os.ReadFile(filepath.Join(a.root, "demo", "case.yaml")); !strings.Contains(string(y), first) {
		t.Fatalf("%s is not in case.yaml:\n%s", first, y)
	}
	step("read the timeline",
		chromedp.Navigate(a.base+"/c/demo/timeline"),
		chromedp.WaitVisible(chromedp.CSS(`#events`)),
		chromedp.WaitVisible(chromedp.CSS(`svg.chart`)),
		shot("timeline"),
	)
	step("build everything",
		chromedp.Navigate(a.base+"/c/demo/build"),
		chromedp.WaitVisible(chromedp.CSS(`#build`)),
		chromedp.Click(chromedp.CSS(`#build-all`)),
		chromedp.WaitVisible(chromedp.CSS(`#build[data-done="done"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#download-list a`)),
		chromedp.Sleep(500*time.Millisecond), // the page thumbnails
		shot("build"),
	)
	step("download the packet",
		chromedp.Click(chromedp.CSS(`#download-list a[href$="/download/packet.pdf"]`)),
	)
	var packet string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && packet == ""; time.Sleep(100 * time.Millisecond) {
		if m, _ := filepath.Glob(filepath.Join(downloads, "*packet.pdf")); len(m) > 0 {
			packet = m[0]
		}
	}
	if packet == "" {
		t.Fatal("the packet was not downloaded")
	}
	step("verify the downloaded packet",
		chromedp.Navigate(a.base+"/verify"),
		chromedp.WaitVisible(chromedp.CSS(`#verify-drop`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#verify-pick`), []string{packet}),
		chromedp.WaitVisible(chromedp.CSS(`#verify-drop[data-verdict="ok"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#verify-result`)),
		shot("verify"),
	)
	verdict, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#verify-result`)))
	if err != nil || !strings.Contains(verdict, "未发现") {
		t.Fatalf("verdict: %s %v", verdict, err)
	}
}
