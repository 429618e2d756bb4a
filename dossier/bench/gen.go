package bench

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
)

// newRand is the one source of randomness: ChaCha8 keyed by the seed, so every machine and Go
// release that keeps math/rand/v2's ChaCha8 produces the same inputs.
func newRand(seed uint64) *rand.ChaCha8 {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	copy(key[8:], "dossier-bench")
	return rand.NewChaCha8(key)
}

// WriteRandom writes size pseudo-random bytes derived from seed. Random bytes do not compress,
// so neither a file system nor a cache can make them cheaper than real recordings.
func WriteRandom(w io.Writer, size int64, seed uint64) error {
	src := newRand(seed)
	buf := make([]byte, 256<<10)
	for size > 0 {
		n := int64(len(buf))
		if n > size {
			n = size
		}
		src.Read(buf[:n])
		if _, err := w.Write(buf[:n]); err != nil {
			return err
		}
		size -= n
	}
	return nil
}

func writeRandomFile(path string, size int64, seed uint64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := WriteRandom(f, size, seed); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// Tree describes a folder of generated files.
type Tree struct {
	Files int
	Bytes int64
}

// MixedSpec asks for Files files totalling about Total bytes, each either Big or Small bytes:
// hours of recordings among many screenshots.
type MixedSpec struct {
	Files      int
	Big, Small int64
	Total      int64
	Seed       uint64
}

// BigCount is how many Big files bring the total closest to Total.
func (s MixedSpec) BigCount() int {
	if s.Big <= s.Small || s.Files <= 0 {
		return 0
	}
	n := (s.Total - int64(s.Files)*s.Small + (s.Big-s.Small)/2) / (s.Big - s.Small)
	return int(max(0, min(n, int64(s.Files))))
}

// WriteMixed writes the files of s into dir, 100 to a folder as a phone's exports come, the big
// ones spread evenly among the small. Names say which is which (.m4a recordings, .bin blobs)
// without any parser recognising random bytes, so the work measured is storing and hashing.
func WriteMixed(dir string, s MixedSpec) (Tree, error) {
	nBig := s.BigCount()
	var t Tree
	for i := 0; i < s.Files; i++ {
		big := nBig > 0 && i%(s.Files/nBig) == 0 && i/(s.Files/nBig) < nBig
		size, name := s.Small, fmt.Sprintf("blob_%05d.bin", i)
		if big {
			size, name = s.Big, fmt.Sprintf("recording_%05d.bin", i)
		}
		sub := filepath.Join(dir, fmt.Sprintf("part%03d", i/100))
		if i%100 == 0 {
			if err := os.MkdirAll(sub, 0o755); err != nil {
				return t, err
			}
		}
		if err := writeRandomFile(filepath.Join(sub, name), size, s.Seed+uint64(i)); err != nil {
			return t, err
		}
		t.Files++
		t.Bytes += size
	}
	return t, nil
}

// WriteSmall writes n files of minSize to maxSize bytes into dir, 500 to a folder.
func WriteSmall(dir string, n int, minSize, maxSize int64, seed uint64) (Tree, error) {
	sizes := rand.New(newRand(seed))
	var t Tree
	for i := 0; i < n; i++ {
		sub := filepath.Join(dir, fmt.Sprintf("batch%03d", i/500))
		if i%500 == 0 {
			if err := os.MkdirAll(sub, 0o755); err != nil {
				return t, err
			}
		}
		size := minSize + sizes.Int64N(maxSize-minSize+1)
		if err := writeRandomFile(filepath.Join(sub, fmt.Sprintf("item_%05d.bin", i)), size, seed+1+uint64(i)); err != nil {
			return t, err
		}
		t.Files++
		t.Bytes += size
	}
	return t, nil
}

// The sample case's collection side, so a generated log reads like the story.
var (
	collectors = []string{"15900001111", "17700002222", "95188", "13700001111"}
	shanghai   = time.FixedZone("CST", 8*3600)
	storyStart = time.Date(2025, 1, 20, 7, 30, 0, 0, shanghai)
)

const smsBackupDecl = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"

// WriteCallsXML writes an SMS Backup & Restore calls export of n calls, one a minute on average
// from the story's numbers, with every call type the app writes.
func WriteCallsXML(w io.Writer, n int, seed uint64) error {
	r := rand.New(newRand(seed))
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintf(bw, "%s<!--File Created By SMS Backup & Restore v10.22.002-->\n<calls count=\"%d\" backup_set=\"bench\" backup_date=\"1744689600000\" type=\"full\">\n", smsBackupDecl, n)
	t := storyStart
	types := []int{1, 1, 1, 2, 3, 3, 5, 6}
	for i := 0; i < n; i++ {
		t = t.Add(time.Duration(20+r.IntN(80)) * time.Second)
		typ := types[r.IntN(len(types))]
		dur := 0
		if typ == 1 || typ == 2 {
			dur = 5 + r.IntN(600)
		}
		num := collectors[r.IntN(len(collectors))]
		fmt.Fprintf(bw, `  <call number="%s" duration="%d" date="%d" type="%d" presentation="1" subscription_id="1" post_dial_digits="" subscription_component_name="com.android.phone/com.android.services.telephony.TelephonyConnectionService" readable_date="%s" contact_name="(Unknown)" />`+"\n",
			num, dur, t.UnixMilli(), typ, t.Format("2006年1月2日 15:04:05"))
	}
	bw.WriteString("</calls>\n")
	return bw.Flush()
}

var smsBodies = []string{
	"【某某资产】张三您好，您的花呗账单已严重逾期，请于今日18点前处理，否则将上门核实。",
	"【某某律所】关于您在支付宝花呗的欠款，我所已受理，请尽快联系15900001111协商。",
	"您的借呗/花呗账户逾期，已进入委外催收流程，回复1联系专员。",
	"张三，你家人李四的电话我们已经拿到了，今天不还款就通知你单位。",
	"【支付宝】您的花呗分期还款计划已生效，第1期应还1000.00元，到期日2025-02-10。",
}

// WriteSMSXML writes an SMS Backup & Restore messages export of n messages; every mmsEvery-th
// one is an MMS carrying a text part and a picture of partSize random bytes (base64 in the
// part's data attribute, as the app writes it). mmsEvery 0 means no MMS.
func WriteSMSXML(w io.Writer, n, mmsEvery, partSize int, seed uint64) error {
	r := rand.New(newRand(seed))
	pic := newRand(seed + 1)
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintf(bw, "%s<!--File Created By SMS Backup & Restore v10.22.002-->\n<smses count=\"%d\" backup_set=\"bench\" backup_date=\"1744689600000\" type=\"full\">\n", smsBackupDecl, n)
	t := storyStart
	part := make([]byte, partSize)
	for i := 0; i < n; i++ {
		t = t.Add(time.Duration(30+r.IntN(300)) * time.Second)
		num := collectors[r.IntN(len(collectors))]
		if mmsEvery > 0 && i%mmsEvery == mmsEvery-1 {
			fmt.Fprintf(bw, `  <mms date="%d" rr="129" sub="null" ct_t="application/vnd.wap.multipart.related" msg_box="1" address="%s" text_only="0" date_sent="%d" m_type="132" readable_date="%s" contact_name="(Unknown)">`+"\n    <parts>\n",
				t.UnixMilli(), num, t.Unix(), t.Format("2006年1月2日 15:04:05"))
			bw.WriteString(`      <part seq="-1" ct="application/smil" name="null" chset="null" cd="null" fn="null" cid="&lt;smil&gt;" cl="smil.xml" ctt_s="null" ctt_t="null" text="&lt;smil&gt;&lt;body&gt;&lt;par dur=&quot;5000ms&quot;&gt;&lt;img src=&quot;image.jpg&quot;/&gt;&lt;/par&gt;&lt;/body&gt;&lt;/smil&gt;" />` + "\n")
			fmt.Fprintf(bw, `      <part seq="0" ct="text/plain" name="null" chset="106" cd="null" fn="null" cid="&lt;text_0&gt;" cl="text_0.txt" ctt_s="null" ctt_t="null" text="%s" />`+"\n", smsBodies[i%len(smsBodies)])
			fmt.Fprintf(bw, `      <part seq="0" ct="image/jpeg" name="IMG_%06d.jpg" chset="null" cd="null" fn="null" cid="&lt;image&gt;" cl="IMG_%06d.jpg" ctt_s="null" ctt_t="null" text="null" data="`, i, i)
			pic.Read(part)
			enc := base64.NewEncoder(base64.StdEncoding, bw)
			enc.Write(part)
			enc.Close()
			fmt.Fprintf(bw, "\" />\n    </parts>\n    <addrs>\n      <addr address=\"%s\" type=\"137\" charset=\"106\" />\n      <addr address=\"13900001234\" type=\"151\" charset=\"106\" />\n    </addrs>\n  </mms>\n", num)
			continue
		}
		typ := 1
		if r.IntN(10) == 0 {
			typ = 2
		}
		fmt.Fprintf(bw, `  <sms protocol="0" address="%s" date="%d" type="%d" subject="null" body="%s" toa="null" sc_toa="null" service_center="+8613800100500" read="1" status="-1" locked="0" date_sent="%d" sub_id="1" readable_date="%s" contact_name="(Unknown)" />`+"\n",
			num, t.UnixMilli(), typ, smsBodies[r.IntN(len(smsBodies))], t.UnixMilli()-3000, t.Format("2006年1月2日 15:04:05"))
	}
	bw.WriteString("</smses>\n")
	return bw.Flush()
}

// Screenshot formats.
const (
	PNG  = "png"
	JPEG = "jpg"
)

// WriteScreenshots writes n phone screenshots of w×h pixels into dir, alternating PNG and JPEG,
// named as Android names them. Each shows a chat: a status bar, a title bar, bubbles of "text"
// strokes and, every few bubbles, a photo with sensor noise — so the files weigh what real
// screenshots weigh (a flat image would make every encoder look fast and every PDF small).
func WriteScreenshots(dir string, n, w, h int, seed uint64) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var paths []string
	t := storyStart
	for i := 0; i < n; i++ {
		t = t.Add(37*time.Minute + 13*time.Second)
		ext := PNG
		if i%2 == 1 {
			ext = JPEG
		}
		p := filepath.Join(dir, fmt.Sprintf("Screenshot_%s.%s", t.Format("20060102-150405"), ext))
		img := drawChat(w, h, seed+uint64(i))
		f, err := os.Create(p)
		if err != nil {
			return paths, err
		}
		bw := bufio.NewWriterSize(f, 1<<20)
		if ext == PNG {
			err = png.Encode(bw, img)
		} else {
			err = jpeg.Encode(bw, img, &jpeg.Options{Quality: 90})
		}
		if err == nil {
			err = bw.Flush()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return paths, fmt.Errorf("%s: %w", p, err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := img.Pix[img.PixOffset(r.Min.X, y):img.PixOffset(r.Max.X, y)]
		for x := 0; x < len(row); x += 4 {
			row[x], row[x+1], row[x+2], row[x+3] = c.R, c.G, c.B, 255
		}
	}
}

func drawChat(w, h int, seed uint64) *image.RGBA {
	r := rand.New(newRand(seed))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill(img, img.Rect, color.RGBA{237, 237, 237, 255})
	unit := w / 27 // 40 px at 1080 wide: one line of text
	fill(img, image.Rect(0, 0, w, 2*unit), color.RGBA{20, 20, 20, 255})
	fill(img, image.Rect(0, 2*unit, w, 5*unit), color.RGBA{247, 247, 247, 255})
	strokes(img, r, image.Rect(w/3, 3*unit, 2*w/3, 4*unit), color.RGBA{25, 25, 25, 255})
	y := 6 * unit
	for bubble := 0; y < h-4*unit; bubble++ {
		mine := r.IntN(3) == 0
		if bubble%4 == 3 {
			ph := 8*unit + r.IntN(6*unit)
			noisyPhoto(img, r, image.Rect(3*unit, y, 3*unit+w/2, min(y+ph, h-4*unit)))
			y += ph + unit
			continue
		}
		lines := 1 + r.IntN(4)
		bw := w/3 + r.IntN(w/3)
		x0, bg := 3*unit, color.RGBA{255, 255, 255, 255}
		if mine {
			x0, bg = w-3*unit-bw, color.RGBA{149, 236, 105, 255}
		}
		fill(img, image.Rect(x0-unit/2, y-unit/2, x0+bw+unit/2, y+lines*unit+unit/2), bg)
		for l := 0; l < lines; l++ {
			strokes(img, r, image.Rect(x0, y+l*unit+unit/5, x0+bw, y+l*unit+4*unit/5), color.RGBA{30, 30, 30, 255})
		}
		y += lines*unit + 2*unit
	}
	fill(img, image.Rect(0, h-3*unit, w, h), color.RGBA{246, 246, 246, 255})
	return img
}

// strokes fills a line box with glyph-sized marks and gaps, as a line of CJK text looks.
func strokes(img *image.RGBA, r *rand.Rand, box image.Rectangle, c color.RGBA) {
	gw := box.Dy()
	for x := box.Min.X; x+gw <= box.Max.X; x += gw + gw/6 {
		for k := 0; k < 3; k++ {
			gx := x + r.IntN(gw*2/3)
			gy := box.Min.Y + r.IntN(gw*2/3)
			if r.IntN(2) == 0 {
				fill(img, image.Rect(gx, gy, gx+gw/3+1, gy+2), c)
			} else {
				fill(img, image.Rect(gx, gy, gx+2, gy+gw/3+1), c)
			}
		}
	}
}

// noisyPhoto paints a smooth gradient with per-pixel noise: a camera picture inside the chat.
func noisyPhoto(img *image.RGBA, r *rand.Rand, box image.Rectangle) {
	box = box.Intersect(img.Rect)
	base := [3]int{r.IntN(200), r.IntN(200), r.IntN(200)}
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			o := img.PixOffset(x, y)
			n := r.Uint32()
			for ch := 0; ch < 3; ch++ {
				v := base[ch] + (x-box.Min.X)*40/max(1, box.Dx()) + (y-box.Min.Y)*30/max(1, box.Dy()) + int(n>>(8*ch)&15)
				img.Pix[o+ch] = uint8(min(255, v))
			}
			img.Pix[o+3] = 255
		}
	}
}
