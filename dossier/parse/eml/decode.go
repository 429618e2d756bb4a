package eml

import (
	"bytes"
	"encoding/base64"
	"github.com/dossier-tool/dossier/dossier/parse"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dossier-tool/dossier/dossier/textenc"
	"golang.org/x/net/html"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// charsetReader converts text in the named charset to UTF-8 as a stream. It serves both message
// bodies and RFC 2047 encoded words.
func charsetReader(charset string, r io.Reader) (io.Reader, error) {
	switch cs := strings.ToLower(strings.Trim(strings.TrimSpace(charset), `"'`)); cs {
	case "", "us-ascii", "ascii", "utf-8", "utf8":
		return r, nil
	case "gb2312", "gbk", "gb18030", "x-gbk", "cp936", "windows-936", "euc-cn", "gb_2312-80", "csgb2312":
		// Labels of GB2312 and GBK text are unreliable; GB18030 decodes all of them.
		return transform.NewReader(r, simplifiedchinese.GB18030.NewDecoder()), nil
	default:
		enc, err := htmlindex.Get(cs)
		if err != nil {
			return nil, parse.Errorf("unknown-charset", clip(cs))
		}
		return transform.NewReader(r, enc.NewDecoder()), nil
	}
}

func wordDecoder() *mime.WordDecoder {
	return &mime.WordDecoder{CharsetReader: charsetReader}
}

func newMultipartReader(r io.Reader, boundary string) *multipart.Reader {
	return multipart.NewReader(r, boundary)
}

// newBase64Reader decodes base64 as a stream, ignoring line breaks, stray characters and
// missing padding, which real mailers produce.
func newBase64Reader(r io.Reader) io.Reader {
	return base64.NewDecoder(base64.RawStdEncoding, &alphabetFilter{r: r})
}

// alphabetFilter passes only base64 alphabet characters; padding is dropped so that a body made
// of several padded chunks still decodes.
type alphabetFilter struct{ r io.Reader }

func (f *alphabetFilter) Read(p []byte) (int, error) {
	for {
		n, err := f.r.Read(p)
		k := 0
		for _, c := range p[:n] {
			if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' {
				p[k] = c
				k++
			}
		}
		if k > 0 || err != nil {
			return k, err
		}
	}
}

func newQuotedPrintableReader(r io.Reader) io.Reader { return quotedprintable.NewReader(r) }

// stopOnError ends a stream at its first error and remembers it, so that a damaged part still
// yields what could be decoded before the damage.
type stopOnError struct {
	r   io.Reader
	n   int64
	err error
}

func (s *stopOnError) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, io.EOF
	}
	n, err := s.r.Read(p)
	s.n += int64(n)
	if err != nil && err != io.EOF {
		s.err = err
		return n, io.EOF
	}
	return n, err
}

// lenientParams reads the parameters of a Content-Type or Content-Disposition value that
// mime.ParseMediaType rejected, most often RFC 2231 values in a charset other than UTF-8
// (filename*=GBK'zh-cn'%D5%C5...) or unquoted values with spaces.
func lenientParams(v string) map[string]string {
	type piece struct {
		index   int
		encoded bool
		value   string
	}
	pieces := map[string][]piece{}
	plain := map[string]string{}
	for _, field := range splitParams(v)[1:] {
		eq := strings.IndexByte(field, '=')
		if eq <= 0 {
			continue
		}
		key := strings.ToLower(strings.TrimSpace(field[:eq]))
		val := strings.TrimSpace(field[eq+1:])
		if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
			val = strings.ReplaceAll(val[1:len(val)-1], `\"`, `"`)
		}
		star := strings.IndexByte(key, '*')
		if star < 0 {
			plain[key] = val
			continue
		}
		base, rest := key[:star], key[star+1:]
		p := piece{encoded: strings.HasSuffix(rest, "*") || rest == "", value: val}
		rest = strings.TrimSuffix(rest, "*")
		if rest != "" {
			n, err := strconv.Atoi(rest)
			if err != nil || n < 0 || n > 100 {
				continue
			}
			p.index = n
		}
		pieces[base] = append(pieces[base], p)
	}
	for key, list := range pieces {
		sort.SliceStable(list, func(i, j int) bool { return list[i].index < list[j].index })
		charset := ""
		var raw []byte
		for i, p := range list {
			val := p.value
			if p.encoded {
				if i == 0 {
					if parts := strings.SplitN(val, "'", 3); len(parts) == 3 {
						charset, val = parts[0], parts[2]
					}
				}
				if un, err := url.PathUnescape(val); err == nil {
					val = un
				}
			}
			raw = append(raw, val...)
		}
		plain[key] = decodeBytes(charset, raw)
	}
	return plain
}

// splitParams splits a header value at semicolons outside quoted strings.
func splitParams(v string) []string {
	var out []string
	quoted, start := false, 0
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '"':
			quoted = !quoted
		case '\\':
			i++
		case ';':
			if !quoted {
				out = append(out, v[start:i])
				start = i + 1
			}
		}
	}
	return append(out, v[start:])
}

func decodeBytes(charset string, b []byte) string {
	if charset == "" && utf8.Valid(b) {
		return string(b)
	}
	if charset == "" {
		charset = "gb18030"
	}
	r, err := charsetReader(charset, strings.NewReader(string(b)))
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	out, err := io.ReadAll(io.LimitReader(r, maxNameBytes*4))
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

// htmlToText renders an HTML body as plain text: tags dropped, block elements and <br> as line
// breaks, script/style/head content skipped, entities unescaped, whitespace collapsed as a
// browser would. The HTML5 tokenizer reads the markup, so a ">" inside a quoted attribute, a
// comment or a CDATA section never ends a tag early and leaks the rest of it into the text.
func htmlToText(s string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	skip := "" // the raw-text element whose content is not shown
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return tidyLines(b.String())
		case html.TextToken:
			if skip == "" {
				b.WriteString(collapseSpace(string(z.Text())))
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			nameBytes, _ := z.TagName()
			name := string(nameBytes)
			switch name {
			case "script", "style", "title", "noscript", "template":
				switch {
				case tt == html.StartTagToken && skip == "":
					skip = name
				case tt == html.EndTagToken && skip == name:
					skip = ""
				}
			case "br", "p", "div", "tr", "li", "table", "blockquote", "ul", "ol", "hr",
				"h1", "h2", "h3", "h4", "h5", "h6", "pre", "section", "article", "footer", "header":
				if skip == "" {
					b.WriteString("\n")
				}
			case "td", "th":
				if skip == "" {
					b.WriteString(" ")
				}
			}
		}
	}
}

func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r', '\f', '\u00a0':
			if !space {
				b.WriteByte(' ')
			}
			space = true
		default:
			b.WriteRune(r)
			space = false
		}
	}
	return b.String()
}

// tidyLines trims each line and keeps at most one empty line in a row.
func tidyLines(s string) string {
	var out []string
	blank := 0
	for _, line := range strings.Split(s, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			blank++
			if blank > 1 || len(out) == 0 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, line)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// decodeBody converts a text part's bytes to UTF-8 by its declared charset, unless the label is
// evidently wrong: bytes that decode strictly as UTF-8 (and hold characters beyond Latin, which
// GBK pairs would not form) are UTF-8 whatever the label says, and bytes the declared charset
// cannot decode are read as the candidate that can. A label that is overruled is reported.
func decodeBody(charset string, raw []byte) (string, error) {
	cs := strings.ToLower(strings.Trim(strings.TrimSpace(charset), `"'`))
	isUTF8 := utf8.Valid(raw)
	switch cs {
	case "":
		if isUTF8 {
			return string(raw), nil
		}
		// No charset and not UTF-8: Chinese clients that omit the label write GBK.
		text, _ := textenc.Decode(raw)
		return text, nil
	case "us-ascii", "ascii", "utf-8", "utf8":
		if isUTF8 {
			return string(raw), nil
		}
		if text, ok := strictDecode("gb18030", raw); ok {
			return text, parse.Errorf("charset-not-decoding", clip(cs))
		}
		return strings.ToValidUTF8(string(raw), "\uFFFD"), parse.Errorf("charset-invalid", clip(cs))
	}
	if isUTF8 && beyondLatin(raw) {
		return string(raw), parse.Errorf("charset-is-utf8", clip(cs))
	}
	text, ok := strictDecode(cs, raw)
	if ok {
		return text, nil
	}
	if _, err := charsetReader(cs, strings.NewReader("")); err != nil {
		if alt, ok := strictDecode("gb18030", raw); ok && !isUTF8 {
			return alt, parse.Errorf("charset-read-gb18030", err)
		}
		return strings.ToValidUTF8(string(raw), "\uFFFD"), parse.Errorf("charset-read-utf8", err)
	}
	if alt, ok := strictDecode("gb18030", raw); ok && cs != "gb18030" {
		return alt, parse.Errorf("charset-not-decoding", clip(cs))
	}
	return text, parse.Errorf("charset-invalid", clip(cs))
}

// strictDecode decodes b in charset and reports whether every byte decoded: the decoders of
// x/text replace a bad sequence by U+FFFD rather than fail, so a U+FFFD the bytes did not spell
// out themselves is a failure.
func strictDecode(charset string, b []byte) (string, bool) {
	r, err := charsetReader(charset, bytes.NewReader(b))
	if err != nil {
		return "", false
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return string(out), false
	}
	text := string(out)
	return text, strings.Count(text, "\uFFFD") == bytes.Count(b, []byte("\uFFFD")) && utf8.ValidString(text)
}

// beyondLatin reports whether UTF-8 text holds a character from U+0800 up (CJK and most other
// scripts), which a GBK or Big5 byte sequence read as UTF-8 practically never forms.
func beyondLatin(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r >= 0x800 {
			return true
		}
		b = b[n:]
	}
	return false
}
