package smsbackup

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/parse"
)

const (
	// maxParts and maxAddrs bound what one MMS may make the parser do or keep.
	maxParts = 64
	maxAddrs = 64
	// maxMMSText bounds the text kept of one MMS, all parts together.
	maxMMSText = maxValue
)

// PDU address types (OMA MMS encapsulation, PduHeaders.FROM/TO/CC/BCC).
const (
	addrFrom = "137"
	addrTo   = "151"
	addrCC   = "130"
	addrBCC  = "129"
)

// mms reads an <mms> element through its end: its parts (text kept, files handed to Derive) and
// its addresses.
func (x *export) mms(se xml.StartElement, t *messageTally) (event.Event, bool) {
	a := attrs(se.Attr)
	ev, ok := x.messageHead("mms", "msg_box", a, mmsBoxes)
	if !ok {
		x.skip()
		return ev, false
	}
	ev.Channel = event.MMS
	ev.Subject = a.get("sub")
	mmsLine := x.line

	var text strings.Builder
	addText := func(s string) {
		if s == "" || text.Len() >= maxMMSText {
			return
		}
		if text.Len() > 0 {
			text.WriteByte('\n')
		}
		if room := maxMMSText - text.Len(); len(s) > room {
			s = strings.ToValidUTF8(s[:room], "")
		}
		text.WriteString(s)
	}
	from, to := []string{}, []string{}
	parts, addrs := 0, 0
	for depth := 1; depth > 0; {
		tok := x.next()
		if tok == nil {
			break // stop recorded the reason; what was read of this MMS is still evidence
		}
		switch el := tok.(type) {
		case xml.EndElement:
			depth--
		case xml.StartElement:
			depth++
			switch el.Name.Local {
			case "part":
				if parts++; parts > maxParts {
					if parts == maxParts+1 {
						x.warn(x.line, "mms-too-many-parts", maxParts)
					}
					continue
				}
				addText(x.mmsPart(attrs(el.Attr), parts, ev.Time, t))
			case "addr":
				if addrs++; addrs > maxAddrs {
					continue
				}
				pa := attrs(el.Attr)
				nums := numbers(pa.get("address"))
				switch pa.get("type") {
				case addrFrom:
					from = append(from, nums...)
				case addrTo, addrCC, addrBCC:
					to = append(to, nums...)
				}
			}
		}
	}

	// The holder's side of the exchange is not the counterpart: a received MMS names its sender
	// in the "from" address, a sent one its recipients in the others.
	counterparts := from
	if ev.Direction == event.Out {
		counterparts = to
	}
	if len(counterparts) == 0 {
		counterparts = numbers(a.get("address"))
		if ev.Direction == event.In && len(counterparts) > 1 {
			counterparts = counterparts[:1]
		}
	}
	ev.Counterpart = strings.Join(counterparts, "~")
	ev.Text = text.String()
	ev.Locator = "line " + strconv.Itoa(mmsLine)
	return ev, true
}

// mmsPart handles one <part> and returns the text it contributes: its own text, or a mention of
// the file it carries.
func (x *export) mmsPart(a attrs, index int, sent time.Time, t *messageTally) string {
	ct := strings.ToLower(strings.TrimSpace(a.get("ct")))
	if a.get("seq") == "-1" || ct == "application/smil" {
		return "" // the slide layout, not content
	}
	data := a.get("data")
	if data == "" {
		if txt := a.get("text"); txt != "" {
			return txt
		}
		if strings.HasPrefix(ct, "text/") {
			return ""
		}
	}
	name := partName(a, index)
	if ct == "" {
		ct = "application/octet-stream"
	}
	t.attachments++
	if data == "" {
		x.warn(x.line, "mms-part-no-data", name, ct)
		return fmt.Sprintf("[%s: %s]", ct, name)
	}
	r, err := x.partData(data)
	if err != nil {
		x.warn(x.line, "mms-part-unreadable", name, err)
		return fmt.Sprintf("[%s: %s]", ct, name)
	}
	if r == nil { // data was "null" after all
		x.warn(x.line, "mms-part-no-data", name, ct)
		return fmt.Sprintf("[%s: %s]", ct, name)
	}
	if x.in.Derive == nil {
		return fmt.Sprintf("[%s: %s]", ct, name)
	}
	rec := &errRecorder{r: r}
	d, err := x.in.Derive(parse.Embedded{Name: name, MessageTime: sent}, rec)
	if err == nil && rec.err != nil {
		err = rec.err
	}
	if err != nil {
		x.warn(x.line, "mms-part-not-stored", name, err)
		return fmt.Sprintf("[%s: %s]", ct, name)
	}
	if d.Exhibit > 0 {
		return fmt.Sprintf("[%s: 证据%d]", ct, d.Exhibit)
	}
	return fmt.Sprintf("[%s: %s]", ct, name)
}

// partName is the file name the part carries. It is untrusted (it may hold "../" or a drive
// letter) and is only ever passed to Derive, whose store sanitises it.
func partName(a attrs, index int) string {
	for _, k := range []string{"name", "fn", "cl", "cid"} {
		if v := strings.Trim(strings.TrimSpace(a.get(k)), "<>"); v != "" {
			return v
		}
	}
	return "part" + strconv.Itoa(index)
}

// partData opens the bytes of a part's data attribute. The guard replaced the value with the
// offset and length of the base64 text in the original, which is decoded from there, streaming.
// A nil reader means the value was the phone's "null".
func (x *export) partData(ref string) (io.Reader, error) {
	if ref == "" || ref[0] != dataRefPrefix {
		return nil, parse.Errorf("mms-data-not-lifted")
	}
	f := strings.Fields(ref[1:])
	if len(f) != 2 {
		return nil, parse.Errorf("mms-bad-data-ref", ref)
	}
	off, err1 := strconv.ParseInt(f[0], 10, 64)
	n, err2 := strconv.ParseInt(f[1], 10, 64)
	if err1 != nil || err2 != nil || off < 0 || n <= 0 || off > x.in.Size || n > x.in.Size-off {
		return nil, parse.Errorf("mms-bad-data-ref", ref)
	}
	sec := io.NewSectionReader(x.in.Data, off, n)
	if n <= int64(len("null")) {
		var small [4]byte
		k, _ := io.ReadFull(sec, small[:n])
		if string(small[:k]) == "null" {
			return nil, nil
		}
		sec = io.NewSectionReader(x.in.Data, off, n)
	}
	return base64.NewDecoder(base64.StdEncoding, &base64Text{r: bufio.NewReaderSize(sec, 32<<10)}), nil
}

// base64Text yields the base64 characters of an attribute value as the file spells it: line
// breaks and spaces dropped, character references (&#10;, &#43;) resolved. Anything else is
// passed on for the decoder to reject.
type base64Text struct {
	r   *bufio.Reader
	err error
}

func (b *base64Text) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) && b.err == nil {
		// Take what is buffered up to the next reference in one go, dropping white space.
		buf, _ := b.r.Peek(max(1, min(b.r.Buffered(), len(p)-n)))
		if len(buf) == 0 {
			_, b.err = b.r.ReadByte()
			break
		}
		if i := bytes.IndexByte(buf, '&'); i >= 0 {
			buf = buf[:i]
		}
		for _, c := range buf {
			switch c {
			case ' ', '\t', '\r', '\n':
			default:
				p[n] = c
				n++
			}
		}
		b.r.Discard(len(buf))
		if len(buf) == 0 { // a reference is next
			b.r.ReadByte()
			if c := b.reference(); c != 0 {
				p[n] = c
				n++
			}
		}
	}
	if n > 0 {
		return n, nil
	}
	return 0, b.err
}

// reference reads a reference after '&' and returns the byte it stands for, 0 for white space,
// or '!' (not base64) for anything else.
func (b *base64Text) reference() byte {
	ref := []byte{'&'}
	for len(ref) < maxEntity {
		c, err := b.r.ReadByte()
		if err != nil {
			break
		}
		ref = append(ref, c)
		if c == ';' {
			break
		}
	}
	r, ok := charRef(ref)
	switch {
	case !ok || r > 0x7F:
		return '!'
	case r == ' ' || r == '\t' || r == '\r' || r == '\n':
		return 0
	}
	return byte(r)
}

// errRecorder remembers a read error, so a decoding failure is reported even when Derive's
// store swallowed it.
type errRecorder struct {
	r   io.Reader
	err error
}

func (e *errRecorder) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.err = err
	}
	return n, err
}
