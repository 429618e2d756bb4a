// Package document is the parser of last resort: it takes any file no other parser took, so
// that evidence is never refused.
//
// It extracts no events. It records what the file is — the MIME type detected from its bytes
// and, for text, the encoding (see package textenc) and the number of lines, counted as a stream
// so a file of any size costs constant memory — and a warning that names the reason the file is
// kept as a plain document. The kind the user gave (--kind or a sidecar) is kept; otherwise the
// file is a "document".
package document

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"strconv"
	"strings"

	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/textenc"
)

// Parser keeps any file as a plain document. It must come last in the list of parsers.
type Parser struct{}

// Name implements parse.Parser.
func (Parser) Name() string { return "document" }

// Detect implements parse.Parser: every file is a document.
func (Parser) Detect(*parse.Sniff) bool { return true }

// Parse implements parse.Parser. It fails only when the original cannot be read.
func (Parser) Parse(in *parse.Input) (*parse.Result, error) {
	mediaType := baseType(in.MIME)
	kind := parse.KindDocument
	if in.Kind != "" {
		kind = in.Kind
	}
	res := &parse.Result{
		Kind:     kind,
		Info:     map[string]string{"mime": mediaType},
		Warnings: []parse.Warning{parse.Warn("", "no-parser-for", mediaType)},
	}
	if !isText(in.MIME) {
		res.Summary = parse.Summarize("document", in.Size, mediaType)
		return res, nil
	}
	encoding, lines, err := countLines(in.Reader())
	if err != nil {
		return nil, fmt.Errorf("%s: line %d: %w", in.Name, lines+1, err)
	}
	res.Info["encoding"] = encoding
	res.Info["lines"] = strconv.FormatInt(lines, 10)
	res.Summary = parse.Summarize("text-document", lines)
	return res, nil
}

// baseType drops the parameters of a MIME type: "text/plain; charset=utf-8" → "text/plain".
func baseType(m string) string {
	if m == "" {
		return "application/octet-stream"
	}
	if t, _, err := mime.ParseMediaType(m); err == nil {
		return t
	}
	return strings.ToLower(strings.TrimSpace(strings.SplitN(m, ";", 2)[0]))
}

// isText reports whether a detected MIME type is text a person can read line by line.
func isText(m string) bool {
	t := baseType(m)
	switch {
	case strings.HasPrefix(t, "text/"):
		return true
	case t == "application/json", t == "application/xml", strings.HasSuffix(t, "+xml"), strings.HasSuffix(t, "+json"):
		return true
	}
	return strings.Contains(strings.ToLower(m), "charset=")
}

// countLines detects the encoding and counts lines as a stream. A line ends with LF, CRLF or a
// lone CR; a last line without an end counts too.
func countLines(r io.Reader) (string, int64, error) {
	tr, encoding, err := textenc.NewReader(r)
	if err != nil {
		return "", 0, err
	}
	var lines int64
	buf := make([]byte, 32<<10)
	var last byte
	pending := false // text seen since the last line end
	for {
		n, err := tr.Read(buf)
		for _, c := range buf[:n] {
			switch {
			case c == '\n' && last == '\r':
				// the second byte of CRLF; the line was counted at the CR
			case c == '\n' || c == '\r':
				lines++
				pending = false
			default:
				pending = true
			}
			last = c
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return encoding, lines, err
		}
	}
	if pending {
		lines++
	}
	return encoding, lines, nil
}
