package reliability

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/internal/hostile"
)

// The shared builders, under the names the corpus uses.
var (
	rawPDF     = hostile.RawPDF
	streamObj  = hostile.StreamObj
	deflate    = hostile.Deflate
	selfPrev   = hostile.SelfPrev
	objStmSelf = hostile.ObjStmSelf
	webpBomb   = hostile.WebPBomb
)

const (
	pageContent = hostile.PageContent
	helvetica   = hostile.Helvetica
)

// The round-two corpus: the files a second hunt found breaking readers (a bad byte ending an SMS
// backup, a NUL hiding attachments, deep forward chains, impossible capture times, images and
// PDFs made to exhaust memory or time). Every class is also wrapped twice, as the attachment of
// an e-mail and as the part of an MMS in an SMS Backup & Restore file, because the same bytes
// reach the readers that way too.

// roundTwoClass is one hostile file: its name and its bytes.
type roundTwoClass struct {
	name string
	data []byte
}

// roundTwoClasses builds every class; emptySMS is how many empty <sms/> elements the backup of
// that class holds (50,000 in make test, 1,000,000 under the stress tag).
func roundTwoClasses(t *testing.T, emptySMS int) []roundTwoClass {
	t.Helper()
	images := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "render", "pdf", "testdata", "images", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	big := manyPagesPDF(150)
	cutAt := bytes.LastIndex(big, []byte("startxref"))
	return []roundTwoClass{
		{"短信备份-坏字节.xml", smsBadBytes()},
		{"附件名含控制字符.eml", emailControlNames()},
		{"转发3次.eml", forwarded(3)},
		{"转发12次.eml", forwarded(12)},
		{"exif-year-0000.jpg", exifJPEG("0000:01:01 00:00:43")},
		{"exif-year-1600.jpg", exifJPEG("1600:06:01 12:00:00")},
		{"exif-year-9999.jpg", exifJPEG("9999:12:31 23:59:59")},
		{"text-says-encrypt.pdf", textPDF("/Encrypt 5 0 R is only words here")},
		{fmt.Sprintf("sms-%d-empty.xml", emptySMS), emptySMSBackup(emptySMS)},
		{"rgba16-4096.png", images("rgba16-4096.png")},
		{"cmyk-progressive-4096.jpg", images("cmyk-progressive-4096.jpg")},
		{"webp-bomb-16383.webp", webpBomb(16383, 16383)},
		{"no-startxref-in-tail.pdf", append(bytes.Clone(big[:cutAt]), bytes.Repeat([]byte("%padding\n"), 400)...)},
		{"prev-self.pdf", selfPrev()},
		{"kids-cycle.pdf", rawPDF([]string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
			"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R 4 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /Font << /F1 6 0 R >> >> >>",
			streamObj("", []byte(pageContent)),
			helvetica,
		}, "/Root 1 0 R")},
		{"parent-loop.pdf", onePagePDF("/Parent 3 0 R", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", pageContent)},
		{"objstm-self.pdf", objStmSelf()},
		{"length-1tb.pdf", bytes.Replace(onePagePDF("", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", pageContent),
			[]byte(fmt.Sprintf("/Length %d", len(pageContent))), []byte("/Length 1099511627776"), 1)},
		{"count-2e9.pdf", onePagePDF("", "<< /Type /Pages /Kids [3 0 R] /Count 2000000000 >>", pageContent)},
		{"double-flate-bomb.pdf", rawPDF([]string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [4 0 R 6 0 R] /Resources << /Font << /F1 5 0 R >> >> >>",
			streamObj("", []byte(pageContent)),
			helvetica,
			streamObj("/Filter [/FlateDecode /FlateDecode]", deflate(deflate(bytes.Repeat([]byte{' '}, 100<<20)))),
		}, "/Root 1 0 R")},
		{"400-pages.pdf", manyPagesPDF(400)},
		{"long-token.pdf", rawPDF([]string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /X /" + strings.Repeat("A", 8<<20) + " >>",
			streamObj("", []byte("BT /F1 12 Tf ("+strings.Repeat("x", 1<<20)+") Tj ET")),
		}, "/Root 1 0 R")},
		{"cut-short-whitespace.pdf", append(bytes.Clone(big[:len(big)/2]), bytes.Repeat([]byte(" \n"), 600)...)},
		{"fake-29-bytes.pdf", []byte("%PDF-1.4\n%fake pdf\n%%EOF\n   ")},
	}
}

// slowClasses cost seconds to render each (hundreds of pages, 16 million pixels, megabytes of
// one token): make test adds them once, as files; the stress form wraps them too.
var slowClasses = map[string]bool{"rgba16-4096.png": true, "cmyk-progressive-4096.jpg": true, "400-pages.pdf": true,
	"long-token.pdf": true, "no-startxref-in-tail.pdf": true, "cut-short-whitespace.pdf": true}

// writeRoundTwo writes the corpus into dir: each class as it is, as an e-mail attachment and as
// an MMS part (the slow ones only when wrapAll), and the file and folder names in GBK that
// unzipping a Chinese-Windows zip leaves.
func writeRoundTwo(t *testing.T, dir string, classes []roundTwoClass, wrapAll bool) {
	t.Helper()
	for i, c := range classes {
		write(t, filepath.Join(dir, c.name), c.data)
		if slowClasses[c.name] && !wrapAll {
			continue
		}
		write(t, filepath.Join(dir, fmt.Sprintf("mail-%02d.eml", i)), mailWith(c))
		write(t, filepath.Join(dir, fmt.Sprintf("sms-mms-%02d.xml", i)), mmsWith(c))
	}
	// 张三.txt and 账单/借呗.csv in GBK: not UTF-8, so the name must be kept losslessly.
	write(t, filepath.Join(dir, "\xd5\xc5\xc8\xfd.txt"), []byte("GBK 文件名"))
	write(t, filepath.Join(dir, "\xd5\xcb\xb5\xa5", "\xbd\xe8\xdf\xc2.csv"), []byte("交易时间,金额\n2025-01-02 10:00:00,100.00\n"))
}

func mailWith(c roundTwoClass) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: =?UTF-8?B?%s?= <notice@cuishou-agency.example>\r\nTo: zhangsan@example.com\r\n", base64.StdEncoding.EncodeToString([]byte("某某资产管理有限公司")))
	fmt.Fprintf(&b, "Subject: =?UTF-8?B?%s?=\r\nDate: Mon, 10 Feb 2025 23:30:00 +0800\r\nMessage-ID: <r2-%x@cuishou-agency.example>\r\n", base64.StdEncoding.EncodeToString([]byte("催收通知")), len(c.name))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B0\"\r\n\r\n--B0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n请查收附件并立即还款。\r\n")
	fmt.Fprintf(&b, "--B0\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename*=UTF-8''%s\r\nContent-Transfer-Encoding: base64\r\n\r\n", pctEncode(c.name))
	b.Write(wrap76(c.data))
	b.WriteString("--B0--\r\n")
	return b.Bytes()
}

func pctEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '.' || ch == '-' || ch == '_' {
			b.WriteByte(ch)
		} else {
			fmt.Fprintf(&b, "%%%02X", ch)
		}
	}
	return b.String()
}

func wrap76(data []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(data)
	var b bytes.Buffer
	for len(enc) > 76 {
		b.WriteString(enc[:76])
		b.WriteString("\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc)
	b.WriteString("\r\n")
	return b.Bytes()
}

func xmlAttr(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	return r.Replace(s)
}

// mmsWith is an SMS Backup & Restore file holding one MMS whose second part is the class, as
// the app writes it: the part's bytes base64 in data, its name in name and cl.
func mmsWith(c roundTwoClass) []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"1\" backup_set=\"0c9d1e2f-0000-4000-8000-000000000002\" backup_date=\"1744689600000\" type=\"full\">\n")
	b.WriteString(`  <mms date="1737339300000" ct_t="application/vnd.wap.multipart.related" msg_box="1" address="15900001111" read="1" m_type="132" readable_date="2025年1月20日 10:15:00" contact_name="(Unknown)">` + "\n    <parts>\n")
	b.WriteString(`      <part seq="0" ct="text/plain" name="null" chset="106" cd="null" fn="null" cid="&lt;0&gt;" cl="text_0.txt" ctt_s="null" ctt_t="null" text="请查收附件" />` + "\n")
	n := xmlAttr(c.name)
	fmt.Fprintf(&b, `      <part seq="1" ct="application/octet-stream" name="%s" chset="null" cd="null" fn="null" cid="&lt;1&gt;" cl="%s" ctt_s="null" ctt_t="null" text="null" data="%s" />`+"\n", n, n, base64.StdEncoding.EncodeToString(c.data))
	b.WriteString("    </parts>\n    <addrs>\n      <addr address=\"15900001111\" type=\"137\" charset=\"106\" />\n    </addrs>\n  </mms>\n</smses>\n")
	return b.Bytes()
}

func smsLine(body string, ms int64) string {
	return fmt.Sprintf(`  <sms protocol="0" address="15900001111" date="%d" type="1" subject="null" body="%s" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="0" sub_id="1" readable_date="" contact_name="(Unknown)" />`+"\n", ms, body)
}

// smsBadBytes is a backup whose second message holds a raw 0xff and whose third holds U+1F4B0
// written as CESU-8 surrogates; the messages after them must not be lost.
func smsBadBytes() []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"5\" backup_set=\"0c9d1e2f-0000-4000-8000-000000000003\" backup_date=\"1744689600000\" type=\"full\">\n")
	b.WriteString(smsLine("【花呗】您的账单已出", 1737335700000))
	b.WriteString(smsLine("逾期\xff请还款", 1737335760000))
	b.WriteString(smsLine("钱\xed\xa0\xbd\xed\xb2\xb0到账", 1737335820000))
	b.WriteString(smsLine("坏字节之后的第一条", 1737335880000))
	b.WriteString(smsLine("坏字节之后的第二条", 1737335940000))
	b.WriteString("</smses>\n")
	return b.Bytes()
}

func emptySMSBackup(n int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"%d\">\n", n)
	for i := 0; i < n; i++ {
		b.WriteString("<sms/>\n")
	}
	b.WriteString("</smses>\n")
	return b.Bytes()
}

// emailControlNames has a NUL in its first attachment's name and an ESC in its second; a third,
// clean one must still be extracted.
func emailControlNames() []byte {
	var b bytes.Buffer
	b.WriteString("From: notice@cuishou-agency.example\r\nTo: zhangsan@example.com\r\nSubject: ctl\r\nDate: Mon, 10 Feb 2025 23:30:00 +0800\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"C\"\r\n\r\n")
	for _, name := range []string{"nul\x00name.txt", "esc\x1b[31mname.txt", "after-the-bad-ones.txt"} {
		fmt.Fprintf(&b, "--C\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", name)
		b.Write(wrap76([]byte("attachment " + name)))
	}
	b.WriteString("--C--\r\n")
	return b.Bytes()
}

// forwarded is a message forwarded as an attachment depth times, the innermost holding a picture.
func forwarded(depth int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var pic bytes.Buffer
	png.Encode(&pic, img)
	msg := fmt.Sprintf("From: a@example.com\r\nTo: b@example.com\r\nSubject: level %d\r\nDate: Mon, 10 Feb 2025 23:30:00 +0800\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"L%d\"\r\n\r\n--L%d\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"催收截图.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s--L%d--\r\n",
		depth, depth, depth, wrap76(pic.Bytes()), depth)
	for d := depth - 1; d >= 0; d-- {
		msg = fmt.Sprintf("From: a@example.com\r\nTo: b@example.com\r\nSubject: Fwd: level %d\r\nDate: Mon, 10 Feb 2025 23:30:00 +0800\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"L%d\"\r\n\r\n--L%d\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n转发\r\n--L%d\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; filename=\"fwd%d.eml\"\r\n\r\n%s\r\n--L%d--\r\n",
			d, d, d, d, d, msg, d)
	}
	return []byte(msg)
}

// exifJPEG is a small JPEG whose EXIF DateTimeOriginal is when (the APP1 segment a camera writes:
// a little-endian TIFF header, IFD0 pointing to the EXIF IFD, tag 0x9003).
func exifJPEG(when string) []byte {
	img := image.NewYCbCr(image.Rect(0, 0, 16, 16), image.YCbCrSubsampleRatio420)
	var j bytes.Buffer
	jpeg.Encode(&j, img, nil)
	var tiff bytes.Buffer
	le := binary.LittleEndian
	tiff.WriteString("II*\x00")
	binary.Write(&tiff, le, uint32(8))
	// IFD0: one entry, the EXIF IFD pointer.
	binary.Write(&tiff, le, uint16(1))
	binary.Write(&tiff, le, []uint16{0x8769, 4})
	binary.Write(&tiff, le, []uint32{1, 26})
	binary.Write(&tiff, le, uint32(0))
	// EXIF IFD at 26: DateTimeOriginal, ASCII, 20 bytes at 44.
	binary.Write(&tiff, le, uint16(1))
	binary.Write(&tiff, le, []uint16{0x9003, 2})
	binary.Write(&tiff, le, []uint32{20, 44})
	binary.Write(&tiff, le, uint32(0))
	tiff.WriteString(when + "\x00")
	app1 := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	var out bytes.Buffer
	out.Write(j.Bytes()[:2])
	out.Write([]byte{0xff, 0xe1, byte((len(app1) + 2) >> 8), byte(len(app1) + 2)})
	out.Write(app1)
	out.Write(j.Bytes()[2:])
	return out.Bytes()
}

func onePagePDF(extraPage, pages, content string) []byte {
	return rawPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		pages,
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R " + extraPage + " >>",
		streamObj("", []byte(content)),
		helvetica,
	}, "/Root 1 0 R")
}

func textPDF(text string) []byte {
	return onePagePDF("", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "BT /F1 12 Tf 72 720 Td ("+text+") Tj ET")
}

// manyPagesPDF is an n-page PDF, each page with its own line of text.
func manyPagesPDF(n int) []byte {
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", "", helvetica}
	var kids []string
	for p := 0; p < n; p++ {
		page := len(objs) + 1
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", page+1),
			streamObj("", []byte(fmt.Sprintf("BT /F1 14 Tf 72 720 Td (Agreement page %d of %d) Tj ET", p+1, n))))
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n)
	return rawPDF(objs, "/Root 1 0 R")
}
