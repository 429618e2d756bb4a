// Package filetime reads the time that phone apps write into the names of the files they save.
//
// A screenshot, a saved WeChat image or a call recording often has no embedded timestamp, yet its
// name records when it was made: "Screenshot_20250128-233252.png", "mmexport1738763400000.jpg",
// "通话录音@某某资产(15900001111)_20250128112000.mp3". Each naming convention is one entry of a
// table of patterns tried in order, most specific first; the first that matches and yields a
// possible date wins. A convention says whether its digits are local time (read in the caller's
// zone), UTC (iOS exports) or carry their own offset (BCR recordings), and epoch-millisecond
// names are instants already.
//
// Names are untrusted: dates that do not exist (month 13, 30 February, hour 24) and times outside
// 2000–2100 are rejected rather than normalised, so a random run of digits does not become a
// plausible-looking time on a timeline.
package filetime

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Result is what a file name says.
type Result struct {
	Time time.Time
	// App is the application that wrote the file, in the language of the case (微信, 支付宝), when
	// the name reveals it.
	App string
	// Package is the Android package named in the file name, if any.
	Package string
	// Number is the other party's phone number as written in a call recording's name.
	Number string
	// Name is the other party's name as written in a call recording's name.
	Name string
	// Pattern identifies the naming convention that matched, e.g. "android-screenshot".
	Pattern string
}

// Pattern identifiers.
const (
	PatternAndroidScreenshot = "android-screenshot"     // Screenshot_20250128-233252
	PatternMIUIScreenshot    = "miui-screenshot"        // Screenshot_2025-01-28-23-32-52-918_com.tencent.mm
	PatternROMScreenshot     = "rom-screenshot"         // Screenshot_20250731_133916_com.tencent.mm
	PatternAppScreenshot     = "app-screenshot"         // Screenshot_联璧金融_20180628-152938
	PatternWeChatExport      = "wechat-export"          // mmexport1706457172000
	PatternWeChatCamera      = "wechat-camera"          // wx_camera_1544502602122, microMsg.1424679768887
	PatternPCWeChat          = "pc-wechat"              // 微信图片_20220307214129
	PatternIOSExport         = "ios-export"             // 20230427_145116000_iOS
	PatternMIUIRecording     = "miui-call-recording"    // 通话录音@某某资产(15900001111)_20250128112000
	PatternSamsungRecording  = "samsung-call-recording" // Call recording 95188_250129_100000
	PatternLineageRecording  = "lineage-call-recording" // +48123456789_240506_225406577
	PatternBCRRecording      = "bcr-call-recording"     // 20220522_122802.881926-0400_+12345678900
	PatternCamera            = "camera"                 // IMG_20250128_233252, VID_..., PXL_...
)

// IsScreenshot reports whether the pattern is a screenshot naming convention.
func (r Result) IsScreenshot() bool {
	switch r.Pattern {
	case PatternAndroidScreenshot, PatternMIUIScreenshot, PatternROMScreenshot, PatternAppScreenshot:
		return true
	}
	return false
}

// IsRecording reports whether the pattern is a call-recording naming convention.
func (r Result) IsRecording() bool {
	switch r.Pattern {
	case PatternMIUIRecording, PatternSamsungRecording, PatternLineageRecording, PatternBCRRecording:
		return true
	}
	return false
}

// Packages maps Android package names seen in screenshot names to the app's Chinese name.
var Packages = map[string]string{
	"com.eg.android.AlipayGphone":       "支付宝",
	"com.tencent.mm":                    "微信",
	"com.tencent.mobileqq":              "QQ",
	"com.tencent.wework":                "企业微信",
	"com.android.mms":                   "短信",
	"com.google.android.apps.messaging": "短信",
	"com.samsung.android.messaging":     "短信",
	"com.android.contacts":              "电话",
	"com.android.incallui":              "电话",
	"com.android.dialer":                "电话",
	"com.google.android.dialer":         "电话",
	"com.samsung.android.dialer":        "电话",
	"com.samsung.android.incallui":      "电话",
	"com.android.phone":                 "电话",
	"com.sina.weibo":                    "微博",
	"com.taobao.taobao":                 "淘宝",
	"com.jingdong.app.mall":             "京东",
	"com.jd.jrapp":                      "京东金融",
	"com.sankuai.meituan":               "美团",
	"com.ss.android.ugc.aweme":          "抖音",
	"com.xunmeng.pinduoduo":             "拼多多",
	"com.unionpay":                      "云闪付",
	"com.android.email":                 "邮件",
	"com.tencent.androidqqmail":         "QQ邮箱",
	"com.netease.mail":                  "网易邮箱",
	"com.android.gallery3d":             "相册",
	"com.miui.gallery":                  "相册",
	"com.android.chrome":                "Chrome",
	"com.UCMobile":                      "UC浏览器",
	"com.whatsapp":                      "WhatsApp",
}

// Locale-independent app labels some ROMs write instead of a package (Samsung: _WeChat).
var appLabels = map[string]string{
	"wechat": "微信", "weixin": "微信", "alipay": "支付宝", "messages": "短信", "message": "短信",
	"phone": "电话", "contacts": "电话", "weibo": "微博", "qq": "QQ",
}

type rule struct {
	pattern string
	re      *regexp.Regexp
	read    func(m []string, loc *time.Location) (Result, bool)
}

var rules = []rule{
	{PatternMIUIScreenshot,
		regexp.MustCompile(`^Screenshot_(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})(?:-(\d{1,3}))?(?:_(.+))?$`),
		func(m []string, loc *time.Location) (Result, bool) {
			t, ok := civil(loc, m[1], m[2], m[3], m[4], m[5], m[6], m[7])
			return withApp(Result{Time: t}, m[8]), ok
		}},
	{PatternAndroidScreenshot,
		regexp.MustCompile(`^Screenshot_(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(?:_(.+))?$`),
		func(m []string, loc *time.Location) (Result, bool) {
			t, ok := civil(loc, m[1], m[2], m[3], m[4], m[5], m[6], "")
			return withApp(Result{Time: t}, m[7]), ok
		}},
	{PatternROMScreenshot,
		regexp.MustCompile(`^Screenshot_(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})(?:_(.+))?$`),
		func(m []string, loc *time.Location) (Result, bool) {
			t, ok := civil(loc, m[1], m[2], m[3], m[4], m[5], m[6], "")
			return withApp(Result{Time: t}, m[7]), ok
		}},
	{PatternAppScreenshot,
		regexp.MustCompile(`^Screenshot_(.+?)_(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})$`),
		func(m []string, loc *time.Location) (Result, bool) {
			t, ok := civil(loc, m[2], m[3], m[4], m[5], m[6], m[7], "")
			return withApp(Result{Time: t}, m[1]), ok
		}},
	{PatternWeChatExport,
		regexp.MustCompile(`^mmexport(\d{13})(?:_mr(\d{13}))?(?:[_(\-].*)?$`),
		func(m []string, _ *time.Location) (Result, bool) {
			t, ok := epochMillis(m[1])
			return Result{Time: t, App: "微信", Package: "com.tencent.mm"}, ok
		}},
	{PatternWeChatCamera,
		regexp.MustCompile(`^(?:wx_camera_|microMsg\.)(\d{13})(?:[_(\-].*)?$`),
		func(m []string, _ *time.Location) (Result, bool) {
			t, ok := epochMillis(m[1])
			return Result{Time: t, App: "微信", Package: "com.tencent.mm"}, ok
		}},
	{PatternPCWeChat,
		regexp.MustCompile(`^微信(?:图片|截图)_(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:[_(\-].*)?$`),
		func(m []string, loc *time.Location) (Result, bool) {
			t, ok := civil(loc, m[1], m[2], m[3], m[4], m[5], m[6], "")
			return Result{Time: t, App: "微信"}, ok
		}},
	{PatternIOSExport,
		regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})(\d{3})_iOS$`),
		func(m []string, _ *time.Location) (Result, bool) {
			t, ok := civil(time.UTC, m[1], m[2], m[3], m[4], m[5], m[6], m[7])
			return Result{Time: t}, ok
		}},
	{PatternMIUIRecording,
		regexp.MustCompile(`^(?:[^@]*@)?(.*?)[(（]([+\d][\d \-]*)[)）]_(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$`),
		func(m []string, loc *time.Location) (Result, bool) {
			t, ok := civil(loc, m[3], m[4], m[5], m[6], m[7], m[8], "")
			return party(Result{Time: t}, m[1], m[2]), ok
		}},
	// MIUI leaves the brackets out when the contact has no name: "通话录音@15900001111_…", also
	// without the prefix ("@+8615900001111_…"); a saved contact without a stored number gives
	// "通话录音@张三_…".
	{PatternMIUIRecording,
		regexp.MustCompile(`^[^@]*@([^@()（）]+?)_(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$`),
		func(m []string, loc *time.Location) (Result, bool) {
			t, ok := civil(loc, m[2], m[3], m[4], m[5], m[6], m[7], "")
			if isNumber(m[1]) {
				return party(Result{Time: t}, "", m[1]), ok
			}
			return party(Result{Time: t}, m[1], ""), ok
		}},
	{PatternSamsungRecording,
		regexp.MustCompile(`^(?i:call recording|通话录音|录音) (.+?)_(\d{2})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})$`),
		func(m []string, loc *time.Location) (Result, bool) {
			t, ok := civil(loc, "20"+m[2], m[3], m[4], m[5], m[6], m[7], "")
			r := Result{Time: t}
			if isNumber(m[1]) {
				return party(r, "", m[1]), ok
			}
			return party(r, m[1], ""), ok
		}},
	{PatternLineageRecording,
		regexp.MustCompile(`^(\+?\d{3,20})_(\d{2})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})(\d{3})?$`),
		func(m []string, loc *time.Location) (Result, bool) {
			t, ok := civil(loc, "20"+m[2], m[3], m[4], m[5], m[6], m[7], m[8])
			return party(Result{Time: t}, "", m[1]), ok
		}},
	{PatternCamera, // Samsung and many Chinese ROMs name camera files by their local time alone
		regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})(?:\(\d+\))?$`),
		func(m []string, loc *time.Location) (Result, bool) {
			t, ok := civil(loc, m[1], m[2], m[3], m[4], m[5], m[6], "")
			return Result{Time: t}, ok
		}},
	{PatternBCRRecording,
		regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?([+-]\d{4}|Z)?((?:_[^_]+)*)$`),
		readBCR},
	{PatternCamera,
		regexp.MustCompile(`^(?:IMG|VID|PXL|MVIMG|PANO|Record)_(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})(\d{3})?(?:[_~(\-.].*)?$`),
		func(m []string, loc *time.Location) (Result, bool) {
			t, ok := civil(loc, m[1], m[2], m[3], m[4], m[5], m[6], m[7])
			return Result{Time: t}, ok
		}},
}

// Parse reads the time and what else the name of a file reveals. name may be a base name or a
// path (only the last element is read); local times are read in loc (UTC when nil). It reports
// false when no known convention matches or the date it names cannot exist.
func Parse(name string, loc *time.Location) (Result, bool) {
	if loc == nil {
		loc = time.UTC
	}
	stem := stemOf(name)
	for _, r := range rules {
		m := r.re.FindStringSubmatch(stem)
		if m == nil {
			continue
		}
		res, ok := r.read(m, loc)
		if !ok || !inRange(res.Time) {
			continue
		}
		res.Pattern = r.pattern
		return res, true
	}
	return Result{}, false
}

// stemOf drops the directory and an extension. Only a short alphanumeric suffix counts as an
// extension, because BCR names carry a dot in their fractional seconds.
func stemOf(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(name)
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		ext := name[i+1:]
		if len(ext) >= 1 && len(ext) <= 5 && isAlnum(ext) && !isDigits(ext) {
			name = name[:i]
		}
	}
	return name
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isNumber reports whether s looks like a dialled number rather than a contact name.
func isNumber(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' || r == ' ' || r == '-':
		default:
			return false
		}
	}
	return digits >= 3
}

// civil builds a local time and rejects fields that time.Date would silently normalise.
func civil(loc *time.Location, y, mo, d, h, mi, s, frac string) (time.Time, bool) {
	yi, _ := strconv.Atoi(y)
	moi, _ := strconv.Atoi(mo)
	di, _ := strconv.Atoi(d)
	hi, _ := strconv.Atoi(h)
	mii, _ := strconv.Atoi(mi)
	si, _ := strconv.Atoi(s)
	ns := 0
	if frac != "" {
		if len(frac) > 9 {
			frac = frac[:9]
		}
		ns, _ = strconv.Atoi(frac + strings.Repeat("0", 9-len(frac)))
	}
	if moi < 1 || moi > 12 || di < 1 || di > 31 || hi > 23 || mii > 59 || si > 59 {
		return time.Time{}, false
	}
	t := time.Date(yi, time.Month(moi), di, hi, mii, si, ns, loc)
	if t.Day() != di || t.Month() != time.Month(moi) {
		return time.Time{}, false
	}
	return t, true
}

func epochMillis(digits string) (time.Time, bool) {
	ms, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.UnixMilli(ms).UTC(), true
}

// inRange bounds accepted times to the years 2000–2100: the year as written for local times, the
// UTC year for epoch values.
func inRange(t time.Time) bool {
	return t.Year() >= 2000 && t.Year() <= 2100
}

// withApp fills App and Package from what follows a screenshot's time: a package name
// (com.tencent.mm), a ROM's English label (WeChat) or an app name as shown (联璧金融).
func withApp(r Result, s string) Result {
	s = strings.TrimSpace(s)
	if s == "" {
		return r
	}
	if app, ok := Packages[s]; ok {
		r.Package, r.App = s, app
		return r
	}
	if strings.Contains(s, ".") && !strings.ContainsAny(s, " ") {
		r.Package = s
		return r
	}
	if app, ok := appLabels[strings.ToLower(s)]; ok {
		r.App = app
		return r
	}
	r.App = s
	return r
}

// party fills the counterpart of a call recording. A name that merely repeats the number (MIUI
// writes "@95188(95188)" for a number not in the contacts) is dropped.
func party(r Result, name, number string) Result {
	name = strings.TrimSpace(name)
	number = strings.TrimSpace(number)
	r.Number = number
	if name != "" && compact(name) != compact(number) {
		r.Name = name
	}
	return r
}

func compact(s string) string {
	return strings.NewReplacer(" ", "", "-", "").Replace(s)
}

// readBCR reads Basic Call Recorder names: a local time with fractional seconds and the phone's
// UTC offset, then optional _in/_out, _simN, the number and the contact name.
func readBCR(m []string, loc *time.Location) (Result, bool) {
	zone := loc
	switch off := m[8]; {
	case off == "Z":
		zone = time.UTC
	case off != "":
		h, _ := strconv.Atoi(off[1:3])
		mi, _ := strconv.Atoi(off[3:5])
		if h > 14 || mi > 59 {
			return Result{}, false
		}
		secs := (h*60 + mi) * 60
		if off[0] == '-' {
			secs = -secs
		}
		zone = time.FixedZone(off, secs)
	}
	t, ok := civil(zone, m[1], m[2], m[3], m[4], m[5], m[6], m[7])
	if !ok {
		return Result{}, false
	}
	r := Result{Time: t}
	if m[9] == "" {
		return r, m[7] != "" || m[8] != "" // a bare yyyyMMdd_HHmmss is a camera name, not BCR
	}
	var number string
	var names []string
	for _, part := range strings.Split(m[9][1:], "_") {
		switch {
		case part == "in" || part == "out" || part == "conference":
		case len(part) > 3 && strings.HasPrefix(part, "sim") && isDigits(part[3:]):
		case number == "" && isNumber(part):
			number = part
		default:
			names = append(names, part)
		}
	}
	return party(r, strings.Join(names, "_"), number), true
}
