package filetime

import (
	"testing"
	"time"
)

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func TestParse(t *testing.T) {
	local := func(y, mo, d, h, mi, s, ms int) time.Time {
		return time.Date(y, time.Month(mo), d, h, mi, s, ms*int(time.Millisecond), shanghai)
	}
	tests := []struct {
		name string
		file string
		want Result
	}{
		{"android pixel", "Screenshot_20250128-233252.png",
			Result{Time: local(2025, 1, 28, 23, 32, 52, 0), Pattern: PatternAndroidScreenshot}},
		{"android samsung app label", "Screenshot_20250128-233252_WeChat.jpg",
			Result{Time: local(2025, 1, 28, 23, 32, 52, 0), App: "微信", Pattern: PatternAndroidScreenshot}},
		{"miui alipay with millis", "Screenshot_2025-01-28-23-32-52-918_com.eg.android.AlipayGphone.jpg",
			Result{Time: local(2025, 1, 28, 23, 32, 52, 918), App: "支付宝", Package: "com.eg.android.AlipayGphone", Pattern: PatternMIUIScreenshot}},
		{"miui wechat", "Screenshot_2025-01-30-22-45-10-123_com.tencent.mm.jpg",
			Result{Time: local(2025, 1, 30, 22, 45, 10, 123), App: "微信", Package: "com.tencent.mm", Pattern: PatternMIUIScreenshot}},
		{"miui no millis no package", "Screenshot_2025-01-30-22-45-10.png",
			Result{Time: local(2025, 1, 30, 22, 45, 10, 0), Pattern: PatternMIUIScreenshot}},
		{"miui sms app", "Screenshot_2025-02-03-07-10-00-001_com.android.mms.jpg",
			Result{Time: local(2025, 2, 3, 7, 10, 0, 1), App: "短信", Package: "com.android.mms", Pattern: PatternMIUIScreenshot}},
		{"miui in-call screen", "Screenshot_2025-01-27-09-00-00-500_com.android.incallui.jpg",
			Result{Time: local(2025, 1, 27, 9, 0, 0, 500), App: "电话", Package: "com.android.incallui", Pattern: PatternMIUIScreenshot}},
		{"miui unknown package kept", "Screenshot_2025-01-27-09-00-00_com.example.loans.jpg",
			Result{Time: local(2025, 1, 27, 9, 0, 0, 0), Package: "com.example.loans", Pattern: PatternMIUIScreenshot}},
		{"rom underscore package", "Screenshot_20250731_133916_com.tencent.mm.jpg",
			Result{Time: local(2025, 7, 31, 13, 39, 16, 0), App: "微信", Package: "com.tencent.mm", Pattern: PatternROMScreenshot}},
		{"rom underscore weibo", "Screenshot_20250731_133916_com.sina.weibo.jpg",
			Result{Time: local(2025, 7, 31, 13, 39, 16, 0), App: "微博", Package: "com.sina.weibo", Pattern: PatternROMScreenshot}},
		{"app name first", "Screenshot_联璧金融_20180628-152938.png",
			Result{Time: local(2018, 6, 28, 15, 29, 38, 0), App: "联璧金融", Pattern: PatternAppScreenshot}},
		{"wechat export", "mmexport1738763400000.jpg",
			Result{Time: time.UnixMilli(1738763400000).UTC(), App: "微信", Package: "com.tencent.mm", Pattern: PatternWeChatExport}},
		{"wechat export mr", "mmexport1706457172000_mr1706457180000.jpg",
			Result{Time: time.UnixMilli(1706457172000).UTC(), App: "微信", Package: "com.tencent.mm", Pattern: PatternWeChatExport}},
		{"wechat camera", "wx_camera_1544502602122.jpg",
			Result{Time: time.UnixMilli(1544502602122).UTC(), App: "微信", Package: "com.tencent.mm", Pattern: PatternWeChatCamera}},
		{"old micromsg", "microMsg.1424679768887.jpg",
			Result{Time: time.UnixMilli(1424679768887).UTC(), App: "微信", Package: "com.tencent.mm", Pattern: PatternWeChatCamera}},
		{"pc wechat", "微信图片_20250205231000.jpg",
			Result{Time: local(2025, 2, 5, 23, 10, 0, 0), App: "微信", Pattern: PatternPCWeChat}},
		{"pc wechat with counter", "微信图片_20220307214129_2.jpg",
			Result{Time: local(2022, 3, 7, 21, 41, 29, 0), App: "微信", Pattern: PatternPCWeChat}},
		{"ios export is utc", "20230427_145116000_iOS.jpg",
			Result{Time: time.Date(2023, 4, 27, 14, 51, 16, 0, time.UTC), Pattern: PatternIOSExport}},
		{"ios export millis", "20230427_145116123_iOS.heic",
			Result{Time: time.Date(2023, 4, 27, 14, 51, 16, 123e6, time.UTC), Pattern: PatternIOSExport}},
		{"miui recording with prefix", "通话录音@某某资产(15900001111)_20250128112000.mp3",
			Result{Time: local(2025, 1, 28, 11, 20, 0, 0), Number: "15900001111", Name: "某某资产", Pattern: PatternMIUIRecording}},
		{"miui recording name repeats number", "@95188(95188)_20250128233252.mp3",
			Result{Time: local(2025, 1, 28, 23, 32, 52, 0), Number: "95188", Pattern: PatternMIUIRecording}},
		{"miui recording night", "@17700002222(17700002222)_20250215224000.amr",
			Result{Time: local(2025, 2, 15, 22, 40, 0, 0), Number: "17700002222", Pattern: PatternMIUIRecording}},
		{"miui recording without at", "李四(138 0013 8000)_20250122080000.m4a",
			Result{Time: local(2025, 1, 22, 8, 0, 0, 0), Number: "138 0013 8000", Name: "李四", Pattern: PatternMIUIRecording}},
		{"miui recording of a number without a contact", "通话录音@15900001111_20250413200000.mp3",
			Result{Time: local(2025, 4, 13, 20, 0, 0, 0), Number: "15900001111", Pattern: PatternMIUIRecording}},
		{"miui recording without the prefix, 0086 number", "@008615900001111_20250413200000.m4a",
			Result{Time: local(2025, 4, 13, 20, 0, 0, 0), Number: "008615900001111", Pattern: PatternMIUIRecording}},
		{"miui recording of a contact without a number", "通话录音@张三_20250413200000.mp3",
			Result{Time: local(2025, 4, 13, 20, 0, 0, 0), Name: "张三", Pattern: PatternMIUIRecording}},
		{"miui recording fullwidth brackets", "通话录音@朋友（13700001111）_20250301120000.mp3",
			Result{Time: local(2025, 3, 1, 12, 0, 0, 0), Number: "13700001111", Name: "朋友", Pattern: PatternMIUIRecording}},
		{"samsung recording", "Call recording 95188_250129_100000.m4a",
			Result{Time: local(2025, 1, 29, 10, 0, 0, 0), Number: "95188", Pattern: PatternSamsungRecording}},
		{"samsung recording contact name", "Call recording 王经理_250201_223000.m4a",
			Result{Time: local(2025, 2, 1, 22, 30, 0, 0), Name: "王经理", Pattern: PatternSamsungRecording}},
		{"samsung recording chinese", "通话录音 15900001111_250203_071500.m4a",
			Result{Time: local(2025, 2, 3, 7, 15, 0, 0), Number: "15900001111", Pattern: PatternSamsungRecording}},
		{"lineage recording", "+48123456789_240506_225406577.amr",
			Result{Time: local(2024, 5, 6, 22, 54, 6, 577), Number: "+48123456789", Pattern: PatternLineageRecording}},
		{"bcr with offset", "20220522_122802.881926-0400_+12345678900.flac",
			Result{Time: time.Date(2022, 5, 22, 12, 28, 2, 881926000, time.FixedZone("", -4*3600)), Number: "+12345678900", Pattern: PatternBCRRecording}},
		{"bcr direction sim name", "20250128_233252.000+0800_in_sim1_15900001111_某某资产.oga",
			Result{Time: local(2025, 1, 28, 23, 32, 52, 0), Number: "15900001111", Name: "某某资产", Pattern: PatternBCRRecording}},
		{"camera img", "IMG_20250129_101500.jpg",
			Result{Time: local(2025, 1, 29, 10, 15, 0, 0), Pattern: PatternCamera}},
		{"camera vid", "VID_20250129_101500.mp4",
			Result{Time: local(2025, 1, 29, 10, 15, 0, 0), Pattern: PatternCamera}},
		{"camera pixel millis", "PXL_20250129_021500123.jpg",
			Result{Time: local(2025, 1, 29, 2, 15, 0, 123), Pattern: PatternCamera}},
		{"camera img burst suffix", "IMG_20250129_101500_1.jpg",
			Result{Time: local(2025, 1, 29, 10, 15, 0, 0), Pattern: PatternCamera}},
		{"samsung camera bare", "20250129_101500.jpg",
			Result{Time: local(2025, 1, 29, 10, 15, 0, 0), Pattern: PatternCamera}},
		{"path is ignored", "DCIM/Screenshots/Screenshot_20250128-233252.png",
			Result{Time: local(2025, 1, 28, 23, 32, 52, 0), Pattern: PatternAndroidScreenshot}},
		{"windows path", `C:\Users\a\微信图片_20250205231000.jpg`,
			Result{Time: local(2025, 2, 5, 23, 10, 0, 0), App: "微信", Pattern: PatternPCWeChat}},
		{"no extension", "Screenshot_20250128-233252",
			Result{Time: local(2025, 1, 28, 23, 32, 52, 0), Pattern: PatternAndroidScreenshot}},
		{"leap day", "Screenshot_20240229-120000.png",
			Result{Time: local(2024, 2, 29, 12, 0, 0, 0), Pattern: PatternAndroidScreenshot}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Parse(tt.file, shanghai)
			if !ok {
				t.Fatalf("Parse(%q) found no time", tt.file)
			}
			if !got.Time.Equal(tt.want.Time) {
				t.Errorf("time = %v, want %v", got.Time, tt.want.Time)
			}
			got.Time, tt.want.Time = time.Time{}, time.Time{}
			if got != tt.want {
				t.Errorf("Parse(%q) = %+v, want %+v", tt.file, got, tt.want)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct{ name, file string }{
		{"month 13", "Screenshot_20251328-233252.png"},
		{"february 30", "Screenshot_2025-02-30-10-00-00.jpg"},
		{"february 29 in a common year", "Screenshot_20250229-120000.png"},
		{"hour 24", "Screenshot_20250128-243252.png"},
		{"minute 60", "微信图片_20250205236000.jpg"},
		{"day zero", "IMG_20250100_101500.jpg"},
		{"epoch before 2000", "mmexport0946684799000.jpg"},
		{"epoch after 2100", "mmexport4133980800000.jpg"},
		{"year 1999", "Screenshot_19991231-235959.png"},
		{"bcr offset hour 15", "20220522_122802.881926+1500_+12345678900.flac"},
		{"plain name", "agreement.pdf"},
		{"digits only", "12345678.jpg"},
		{"screenshot without time", "Screenshot.png"},
		{"empty", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, ok := Parse(tt.file, shanghai); ok {
				t.Errorf("Parse(%q) = %+v, want no match", tt.file, got)
			}
		})
	}
}

func TestParseZone(t *testing.T) {
	// A local-time convention follows the zone it is read in; an epoch one does not.
	utc, _ := Parse("Screenshot_20250128-233252.png", time.UTC)
	sh, _ := Parse("Screenshot_20250128-233252.png", shanghai)
	if d := utc.Time.Sub(sh.Time); d != 8*time.Hour {
		t.Errorf("local convention: UTC minus Shanghai = %v, want 8h", d)
	}
	a, _ := Parse("mmexport1738763400000.jpg", time.UTC)
	b, _ := Parse("mmexport1738763400000.jpg", shanghai)
	if !a.Time.Equal(b.Time) {
		t.Errorf("epoch convention depends on zone: %v vs %v", a.Time, b.Time)
	}
	if nilZone, ok := Parse("Screenshot_20250128-233252.png", nil); !ok || !nilZone.Time.Equal(utc.Time) {
		t.Errorf("nil zone = %v, want UTC reading %v", nilZone.Time, utc.Time)
	}
}

func TestKindHelpers(t *testing.T) {
	shot, _ := Parse("Screenshot_20250128-233252.png", shanghai)
	rec, _ := Parse("Call recording 95188_250129_100000.m4a", shanghai)
	img, _ := Parse("mmexport1738763400000.jpg", shanghai)
	if !shot.IsScreenshot() || shot.IsRecording() {
		t.Errorf("screenshot name: IsScreenshot=%v IsRecording=%v", shot.IsScreenshot(), shot.IsRecording())
	}
	if rec.IsScreenshot() || !rec.IsRecording() {
		t.Errorf("recording name: IsScreenshot=%v IsRecording=%v", rec.IsScreenshot(), rec.IsRecording())
	}
	if img.IsScreenshot() || img.IsRecording() {
		t.Errorf("saved image: IsScreenshot=%v IsRecording=%v", img.IsScreenshot(), img.IsRecording())
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"Screenshot_20250128-233252.png", "Screenshot_2025-01-28-23-32-52-918_com.eg.android.AlipayGphone.jpg",
		"Screenshot_20250731_133916_com.tencent.mm.jpg", "Screenshot_联璧金融_20180628-152938.png",
		"mmexport1706457172000_mr1706457180000.jpg", "wx_camera_1544502602122.jpg", "microMsg.1424679768887.jpg",
		"微信图片_20220307214129.jpg", "20230427_145116000_iOS.jpg", "通话录音@某某资产(15900001111)_20250128112000.mp3",
		"Call recording 95188_250129_100000.m4a", "+48123456789_240506_225406577.amr",
		"20220522_122802.881926-0400_+12345678900.flac", "IMG_20250129_101500.jpg", "20250129_101500.jpg",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		r1, ok1 := Parse(name, shanghai)
		r2, ok2 := Parse(name, shanghai)
		if ok1 != ok2 || !r1.Time.Equal(r2.Time) || r1.Time.Location().String() != r2.Time.Location().String() {
			t.Fatalf("Parse(%q) not deterministic: %+v/%v vs %+v/%v", name, r1, ok1, r2, ok2)
		}
		accepted := r1.Time
		r1.Time, r2.Time = time.Time{}, time.Time{}
		if r1 != r2 {
			t.Fatalf("Parse(%q) not deterministic: %+v/%v vs %+v/%v", name, r1, ok1, r2, ok2)
		}
		if !ok1 {
			if r1 != (Result{}) || !accepted.IsZero() {
				t.Fatalf("Parse(%q) rejected but returned %+v", name, r1)
			}
			return
		}
		if y := accepted.UTC().Year(); y < 1999 || y > 2101 || !inRange(accepted) {
			t.Fatalf("Parse(%q) accepted out-of-range time %v", name, accepted)
		}
		if r1.Pattern == "" {
			t.Fatalf("Parse(%q) accepted without naming a pattern", name)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	names := []string{
		"Screenshot_2025-01-28-23-32-52-918_com.eg.android.AlipayGphone.jpg",
		"通话录音@某某资产(15900001111)_20250128112000.mp3",
		"agreement.pdf",
	}
	for i := 0; b.Loop(); i++ {
		Parse(names[i%len(names)], shanghai)
	}
}
