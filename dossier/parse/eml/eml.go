// Package eml reads e-mail messages saved as .eml files (RFC 5322 / MIME, media type
// message/rfc822) into one timeline event.
//
// A message is recognised by its header block, not by its file name: the head must be a run of
// well-formed header lines that includes From and at least one other header every mail system
// writes (Date, Subject, Received, MIME-Version, Message-ID, To).
//
// The message is read as a stream. The header block is read line by line up to a cap; lines that
// are not headers are dropped with a warning rather than failing the whole message, because
// collection agencies' bulk mailers write sloppy headers and the evidence must still be kept.
// The body is walked part by part with mime/multipart (depth and part count capped): the first
// inline text/plain part becomes the event text, text/html is turned into plain text only when no
// plain part exists, and every other part — an attachment, an inline image, a forwarded message
// — is decoded (base64 or quoted-printable) on the fly and handed to Input.Derive as a stream, so
// an attachment of any size is never held in memory. Attachment names are untrusted: they are
// decoded (RFC 2047 encoded words, RFC 2231 parameters, raw GBK) and passed on for the store to
// sanitise.
//
// Non-UTF-8 charsets (GBK, GB2312, GB18030, Big5, ...) are converted with golang.org/x/text; GB2312
// and GBK are read as GB18030, their superset, because Chinese mail clients routinely label GBK
// text as GB2312.
//
// Direction: a parser cannot know whose mailbox an .eml came from, and an e-mail kept as evidence
// is almost always one the holder received, so the event is "in". The counterpart is the From
// address; the timeline knows the holder's own addresses and can correct the rare sent message.
package eml

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"github.com/dossier-tool/dossier/dossier/vocab"
	"io"
	"mime"
	"net/mail"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/textenc"
)

// Caps on untrusted input. A real message's headers are a few KiB; a body text beyond 1 MiB is
// not something a person reads in a complaint packet.
const (
	maxHeaderBytes = 256 << 10
	maxParts       = 256
	maxDepth       = 8
	maxBodyBytes   = 1 << 20
	maxHTMLBytes   = 4 << 20
	maxNameBytes   = 1 << 10
)

// Parser reads .eml files.
type Parser struct{}

// Name implements parse.Parser.
func (Parser) Name() string { return "eml" }

// Detect implements parse.Parser: the head must be a well-formed header block naming From and
// another header that every mail system writes.
func (Parser) Detect(s *parse.Sniff) bool { return looksLikeMessage(s.Head) }

// mailHeaders are the headers whose presence, besides From, marks a stored message.
var mailHeaders = map[string]bool{
	"date": true, "subject": true, "received": true, "mime-version": true,
	"message-id": true, "to": true, "return-path": true, "delivered-to": true,
}

func looksLikeMessage(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF})
	lines := bytes.Split(head, []byte("\n"))
	if len(lines) > 0 && bytes.HasPrefix(lines[0], []byte("From ")) {
		lines = lines[1:] // the mbox separator some clients keep when saving one message
	}
	// The last line of the head may be cut short; judge only complete lines.
	if len(head) >= parse.HeadSize && len(lines) > 1 {
		lines = lines[:len(lines)-1]
	}
	// A stray non-header line in a long header block is tolerated (bulk mailers write them),
	// but the first line must be a header and most lines must be.
	seenFrom, others, headers, bad := false, 0, 0, 0
	for _, raw := range lines {
		line := bytes.TrimSuffix(raw, []byte("\r"))
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if headers == 0 {
				return false
			}
			continue
		}
		name, ok := headerName(line)
		if !ok {
			if headers == 0 {
				return false
			}
			bad++
			continue
		}
		headers++
		switch n := strings.ToLower(name); {
		case n == "from":
			seenFrom = true
		case mailHeaders[n]:
			others++
		}
	}
	return seenFrom && others > 0 && bad*3 <= headers
}

// headerName returns the field name of a header line "Name: value"; the name must be made of
// the token characters net/textproto accepts.
func headerName(line []byte) (string, bool) {
	i := bytes.IndexByte(line, ':')
	if i <= 0 {
		return "", false
	}
	for _, c := range line[:i] {
		if !isTokenByte(c) {
			return "", false
		}
	}
	return string(line[:i]), true
}

func isTokenByte(c byte) bool {
	if c <= ' ' || c >= 0x7f {
		return false
	}
	return !strings.ContainsRune(`"(),/:;<=>?@[\]{}`, rune(c))
}

// Parse implements parse.Parser.
func (Parser) Parse(in *parse.Input) (res *parse.Result, err error) {
	defer func() {
		// A last guard: the code below is written not to panic, but evidence must never take
		// the program down.
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("%s: unreadable e-mail: %v", in.Name, r)
		}
	}()
	br := bufio.NewReaderSize(in.Reader(), 64<<10)
	w := &walker{in: in, dec: wordDecoder()}
	block, err := w.readHeaderBlock(br)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(block))
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", in.Name, err)
	}
	h := textproto.MIMEHeader(msg.Header)
	if h.Get("From") == "" && h.Get("Date") == "" && h.Get("Subject") == "" {
		return nil, parse.FileErrorf(in.Name, "not-email")
	}

	// The Date header is read before the body so that attachments can take the message's time.
	sent, sentFrom := w.messageTime(msg.Header)
	if sentFrom == event.TimeFromContent {
		w.sent = sent
	}
	w.walk(br, h, "", 0)

	ev := event.Event{Channel: event.Email, Direction: event.In, Locator: "message"}
	from := w.addresses(msg.Header, "From")
	if len(from) > 0 {
		ev.Counterpart = strings.ToLower(from[0].Address)
		ev.CounterpartName = from[0].Name
	} else {
		w.warn("header", "no-from")
	}
	ev.Subject = w.decodeHeader(msg.Header.Get("Subject"), "header Subject")
	ev.Time, ev.TimeSource = sent, sentFrom
	ev.Text = w.text()

	to := w.addresses(msg.Header, "To")
	cc := w.addresses(msg.Header, "Cc")
	info := map[string]string{
		"from":        formatAddresses(from),
		"to":          formatAddresses(to),
		"subject":     ev.Subject,
		"attachments": strconv.Itoa(len(w.attachments)),
	}
	if len(cc) > 0 {
		info["cc"] = formatAddresses(cc)
	}
	if id := strings.TrimSpace(msg.Header.Get("Message-Id")); id != "" {
		info["message_id"] = clean(id)
	}
	if w.bodyType != "" {
		info["body"] = w.bodyType
	}
	return &parse.Result{
		Kind:       parse.KindEmail,
		Events:     []event.Event{ev},
		Warnings:   w.warnings,
		Time:       ev.Time,
		TimeSource: ev.TimeSource,
		Info:       info,
		Summary:    summary(ev.Subject, len(w.attachments)),
	}, nil
}

func summary(subject string, attachments int) vocab.Summary {
	switch {
	case subject != "" && attachments > 0:
		return parse.Summarize("email-subject-attachments", attachments, subject)
	case subject != "":
		return parse.Summarize("email-subject", subject)
	case attachments > 0:
		return parse.Summarize("email-attachments", attachments)
	}
	return parse.Summarize("email")
}

// walker carries what the walk over the MIME tree has found so far.
type walker struct {
	in          *parse.Input
	dec         *mime.WordDecoder
	parts       int
	plain, html strings.Builder
	bodyType    string
	truncated   bool
	attachments []string // the lines "[附件: ...]" in part order
	warnings    []parse.Warning
	sent        time.Time // the message's own time, handed to its attachments; zero when unknown
}

func (w *walker) warn(where, code string, args ...any) {
	w.warnings = append(w.warnings, parse.Warn(where, code, args...))
}

// readHeaderBlock returns the top-level header block, ending in an empty line, with lines that
// are not header syntax dropped (and reported) so that net/mail accepts the rest.
func (w *walker) readHeaderBlock(br *bufio.Reader) ([]byte, error) {
	var block bytes.Buffer
	lineNo, kept, dropped, capped := 0, 0, 0, false
	for {
		line, err := readLine(br, maxHeaderBytes)
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("header line %d: %w", lineNo+1, err)
		}
		if len(line) == 0 && err == io.EOF {
			break
		}
		lineNo++
		text := bytes.TrimRight(line, "\r\n")
		if lineNo == 1 {
			text = bytes.TrimPrefix(text, []byte{0xEF, 0xBB, 0xBF})
			if bytes.HasPrefix(text, []byte("From ")) {
				continue
			}
		}
		if len(text) == 0 {
			break
		}
		switch {
		case capped:
		case block.Len()+len(text)+2 > maxHeaderBytes:
			capped = true
			w.warn(fmt.Sprintf("header line %d", lineNo), "header-too-large", maxHeaderBytes>>10)
		case text[0] == ' ' || text[0] == '\t':
			if kept == 0 {
				dropped++
				w.warn(fmt.Sprintf("header line %d", lineNo), "continuation-without-header")
				break
			}
			block.Write(text)
			block.WriteString("\r\n")
		default:
			if _, ok := headerName(text); !ok {
				dropped++
				w.warn(fmt.Sprintf("header line %d", lineNo), "not-header-line")
				break
			}
			kept++
			block.Write(text)
			block.WriteString("\r\n")
		}
		if err == io.EOF {
			break
		}
	}
	if kept == 0 {
		return nil, errors.New("no header lines")
	}
	block.WriteString("\r\n")
	return block.Bytes(), nil
}

// readLine reads one line including its end, never holding more than limit bytes of it; the
// excess of an over-long line is discarded.
func readLine(br *bufio.Reader, limit int) ([]byte, error) {
	var line []byte
	over := false
	for {
		chunk, err := br.ReadSlice('\n')
		if over = over || len(line)+len(chunk) > limit; !over {
			line = append(line, chunk...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return line, err
	}
}

// walk reads one MIME entity whose header is h and whose body is r. path is "" for the message
// itself and "1", "2.1", ... for parts.
func (w *walker) walk(r io.Reader, h textproto.MIMEHeader, path string, depth int) {
	where := "body"
	if path != "" {
		where = "part " + path
	}
	mediaType, params := w.contentType(h, where)
	if strings.HasPrefix(mediaType, "multipart/") {
		w.walkMultipart(r, params["boundary"], path, where, depth)
		return
	}
	disposition, dparams := w.disposition(h, where)
	name := w.partName(where, dparams, params)
	isBodyText := (mediaType == "text/plain" || mediaType == "text/html") && disposition != "attachment" && name == ""
	body := &stopOnError{r: w.transferDecoder(r, h, where)}
	if isBodyText {
		w.readText(body, mediaType, params["charset"], where)
	} else {
		w.attach(body, name, mediaType, path, where)
	}
	if body.err != nil {
		w.warn(where, "damaged-content", body.n, body.err)
	}
}

func (w *walker) walkMultipart(r io.Reader, boundary, path, where string, depth int) {
	if boundary == "" {
		w.warn(where, "multipart-no-boundary")
		return
	}
	if depth >= maxDepth {
		w.warn(where, "multipart-too-deep", maxDepth)
		return
	}
	filter := newPartHeaderFilter(r, boundary)
	mr := newMultipartReader(filter, boundary)
	for i := 1; ; i++ {
		child := strconv.Itoa(i)
		if path != "" {
			child = path + "." + child
		}
		p, err := mr.NextRawPart()
		if slices.Contains(filter.repaired, i) {
			w.warn("part "+child, "header-control-chars")
		}
		if err == io.EOF {
			return
		}
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			w.warn(where, "no-closing-boundary")
			return
		}
		if err != nil {
			w.warn("part "+child, "error", err)
			return
		}
		if w.parts >= maxParts {
			w.warn("part "+child, "too-many-parts", maxParts)
			return
		}
		w.parts++
		w.walk(p, p.Header, child, depth+1)
	}
}

func (w *walker) contentType(h textproto.MIMEHeader, where string) (string, map[string]string) {
	v := h.Get("Content-Type")
	if strings.TrimSpace(v) == "" {
		return "text/plain", map[string]string{}
	}
	mediaType, params, err := mime.ParseMediaType(v)
	if err != nil && mediaType == "" {
		w.warn(where, "unreadable-content-type", clip(v), err)
		return "text/plain", map[string]string{}
	}
	if params == nil {
		params = map[string]string{}
	}
	mergeLenient(params, v)
	return mediaType, params
}

func (w *walker) disposition(h textproto.MIMEHeader, where string) (string, map[string]string) {
	v := h.Get("Content-Disposition")
	if strings.TrimSpace(v) == "" {
		return "", map[string]string{}
	}
	d, params, err := mime.ParseMediaType(v)
	if params == nil {
		params = map[string]string{}
	}
	mergeLenient(params, v)
	if err != nil && d == "" {
		d = strings.ToLower(strings.TrimSpace(strings.SplitN(v, ";", 2)[0]))
	}
	return d, params
}

// mergeLenient adds the parameters mime.ParseMediaType dropped or could not read: RFC 2231
// values in a charset other than UTF-8 (filename*=GBK'zh-cn'%D5%C5...), unquoted values with spaces.
func mergeLenient(params map[string]string, v string) {
	if !strings.Contains(v, "=") {
		return
	}
	for k, val := range lenientParams(v) {
		if _, ok := params[k]; !ok {
			params[k] = val
		}
	}
}

// partName is the attachment's name from Content-Disposition filename or Content-Type name,
// decoded; "" when the part has none.
func (w *walker) partName(where string, dparams, ctparams map[string]string) string {
	for _, v := range []string{dparams["filename"], ctparams["name"]} {
		if v = strings.TrimSpace(v); v != "" {
			return clean(w.decodeHeader(v, where))
		}
	}
	return ""
}

// transferDecoder undoes Content-Transfer-Encoding as a stream.
func (w *walker) transferDecoder(r io.Reader, h textproto.MIMEHeader, where string) io.Reader {
	switch cte := strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))); cte {
	case "base64":
		return newBase64Reader(r)
	case "quoted-printable":
		return newQuotedPrintableReader(r)
	case "", "7bit", "8bit", "binary":
		return r
	default:
		w.warn(where, "unknown-transfer-encoding", clip(cte))
		return r
	}
}

// readText appends a text part to the body, converted to UTF-8.
func (w *walker) readText(r io.Reader, mediaType, charset, where string) {
	dst, limit := &w.plain, maxBodyBytes
	if mediaType == "text/html" {
		dst, limit = &w.html, maxHTMLBytes
	}
	if dst.Len() >= limit {
		w.truncated = true
		return
	}
	// The raw bytes are read first (GB text grows by half in UTF-8, hence the smaller cap) so that
	// a label the sender got wrong can be caught by decoding the bytes both ways.
	raw, err := io.ReadAll(io.LimitReader(r, int64(limit-dst.Len())+1))
	if err != nil {
		w.warn(where, "reading-text", err)
	}
	text, warning := decodeBody(charset, raw)
	if warning != nil {
		w.warn(where, "error", warning)
	}
	if dst.Len()+len(text) > limit {
		text = string(cutIncompleteRune([]byte(text[:limit-dst.Len()])))
		w.truncated = true
	}
	if dst.Len() > 0 {
		dst.WriteString("\n")
	}
	dst.WriteString(strings.ToValidUTF8(text, "\uFFFD"))
}

// attach hands a non-body part to Derive as a stream and records the line the event text shows.
func (w *walker) attach(r io.Reader, name, mediaType, path, where string) {
	if name == "" {
		p := path
		if p == "" {
			p = "body"
		}
		name = "part-" + p + extensionFor(mediaType)
	}
	if w.in.Derive == nil {
		n, err := io.Copy(io.Discard, r)
		if err != nil {
			w.warn(where, "attachment-unreadable", name, err)
		}
		w.attachments = append(w.attachments, fmt.Sprintf("[附件: %s, %d bytes]", name, n))
		return
	}
	d, err := w.in.Derive(parse.Embedded{Name: name, MessageTime: w.sent}, r)
	if err != nil {
		w.warn(where, "attachment-not-stored", name, err)
		w.attachments = append(w.attachments, fmt.Sprintf("[附件: %s, not stored]", name))
		return
	}
	shown := d.Name
	if shown == "" {
		shown = name
	}
	w.attachments = append(w.attachments, fmt.Sprintf("[附件: %s → 证据%d]", shown, d.Exhibit))
}

func extensionFor(mediaType string) string {
	switch mediaType {
	case "application/pdf":
		return ".pdf"
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	case "message/rfc822":
		return ".eml"
	case "text/plain":
		return ".txt"
	case "text/html":
		return ".html"
	}
	if exts, err := mime.ExtensionsByType(mediaType); err == nil && len(exts) > 0 {
		return exts[0]
	}
	return ".bin"
}

// text is the event text: the plain body, else the HTML body as text, then the attachments.
func (w *walker) text() string {
	body := strings.TrimSpace(normalizeNewlines(w.plain.String()))
	w.bodyType = "text/plain"
	if body == "" {
		body = htmlToText(w.html.String())
		w.bodyType = "text/html"
		if len(body) > maxBodyBytes {
			body = body[:maxBodyBytes]
			for !utf8.ValidString(body) {
				body = body[:len(body)-1]
			}
			w.truncated = true
		}
	}
	if body == "" {
		w.bodyType = ""
	}
	if w.truncated {
		w.warn("body", "text-too-long", maxBodyBytes>>10)
	}
	if len(w.attachments) == 0 {
		return body
	}
	lines := strings.Join(w.attachments, "\n")
	if body == "" {
		return lines
	}
	return body + "\n\n" + lines
}

// messageTime reads Date; a missing or unreadable Date falls back to the earliest Received
// stamp (the first relay's clock), then to the file's modification time.
func (w *walker) messageTime(h mail.Header) (time.Time, string) {
	raw := h.Get("Date")
	if t, err := parseDate(raw); err == nil {
		return t, event.TimeFromContent
	} else if strings.TrimSpace(raw) == "" {
		w.warn("header Date", "date-missing")
	} else {
		w.warn("header Date", "unreadable-date", clip(raw))
	}
	if rec := h["Received"]; len(rec) > 0 {
		last := rec[len(rec)-1]
		if i := strings.LastIndexByte(last, ';'); i >= 0 {
			if t, err := parseDate(last[i+1:]); err == nil {
				w.warn("header Date", "time-from-received")
				return t, event.TimeFromContent
			}
		}
	}
	if !w.in.MessageTime.IsZero() {
		w.warn("header Date", "time-from-carrier")
		return w.in.MessageTime, event.TimeFromMessage
	}
	if !w.in.ModTime.IsZero() {
		w.warn("header Date", "time-from-modtime")
		return w.in.ModTime, event.TimeFromModTime
	}
	return time.Time{}, ""
}

// parseDate accepts RFC 5322 dates as net/mail does, plus the variants seen in the wild: a
// trailing zone comment such as "(GMT+08:00)" or "(CST)" and ISO 8601.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("empty")
	}
	t, err := mail.ParseDate(s)
	if err == nil {
		return t, nil
	}
	if i := strings.IndexByte(s, '('); i > 0 {
		if t2, err2 := mail.ParseDate(strings.TrimSpace(s[:i])); err2 == nil {
			return t2, nil
		}
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 -0700"} {
		if t2, err2 := time.Parse(layout, s); err2 == nil {
			return t2, nil
		}
	}
	return time.Time{}, err
}

// addresses parses an address header; when the list is not RFC 5322 (unquoted specials, raw
// 8-bit names) it falls back to picking out what looks like addresses.
func (w *walker) addresses(h mail.Header, key string) []*mail.Address {
	raw := h.Get(key)
	if strings.TrimSpace(raw) == "" {
		return nil
	}
	ap := mail.AddressParser{WordDecoder: w.dec}
	list, err := ap.ParseList(raw)
	if err == nil {
		for _, a := range list {
			// Foxmail and others put encoded words inside quotes, where RFC 2047 does not
			// allow them and net/mail leaves them as they are.
			if strings.Contains(a.Name, "=?") {
				if d, err := w.dec.DecodeHeader(a.Name); err == nil {
					a.Name = d
				}
			}
			a.Name = clean(a.Name)
		}
		return list
	}
	decoded := w.decodeHeader(raw, "header "+key)
	var out []*mail.Address
	for _, piece := range strings.Split(decoded, ",") {
		piece = strings.TrimSpace(piece)
		if piece == "" {
			continue
		}
		a := &mail.Address{}
		if lt := strings.LastIndexByte(piece, '<'); lt >= 0 {
			gt := strings.IndexByte(piece[lt:], '>')
			if gt < 0 {
				gt = len(piece) - lt
			}
			a.Address = strings.TrimSpace(piece[lt+1 : lt+gt])
			a.Name = clean(strings.Trim(strings.TrimSpace(piece[:lt]), `"`))
		} else {
			a.Address = piece
		}
		if strings.Contains(a.Address, "@") {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		w.warn("header "+key, "unreadable-address", clip(decoded), err)
	}
	return out
}

func formatAddresses(list []*mail.Address) string {
	parts := make([]string, 0, len(list))
	for _, a := range list {
		if a.Name != "" {
			parts = append(parts, a.Name+" <"+a.Address+">")
		} else {
			parts = append(parts, a.Address)
		}
	}
	return strings.Join(parts, ", ")
}

// decodeHeader decodes RFC 2047 encoded words; raw 8-bit text (GBK written straight into a
// header by some clients) is converted too.
// Words that cannot be decoded (an unknown charset) are kept as written, with a warning.
func (w *walker) decodeHeader(v, where string) string {
	if v == "" {
		return ""
	}
	if !utf8.ValidString(v) {
		v, _ = textenc.Decode([]byte(v))
	}
	if d, err := w.dec.DecodeHeader(v); err == nil {
		v = d
	} else {
		w.warn(where, "encoded-words-kept", err)
	}
	return strings.TrimSpace(strings.ToValidUTF8(v, "\uFFFD"))
}

// clean drops control characters (a header or file name must not smuggle line breaks into the
// packet) and caps the length.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if len(s) > maxNameBytes {
		s = s[:maxNameBytes]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return s
}

// cutIncompleteRune drops a character cut in half at the end of b.
func cutIncompleteRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// clip shortens a value quoted in a warning.
func clip(s string) string {
	if len(s) <= 80 {
		return s
	}
	s = s[:80]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

func normalizeNewlines(s string) string {
	return strings.ReplaceAll(s, "\r\n", "\n")
}
