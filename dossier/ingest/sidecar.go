package ingest

import (
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/dossier-tool/dossier/dossier/parse"
)

// SidecarSuffix marks the file that describes another: photo.jpg.meta.yaml describes photo.jpg.
// A sidecar is not evidence itself.
const SidecarSuffix = ".meta.yaml"

// Describe is what the user says of the items of an add: flags, or a sidecar for one file.
type Describe struct {
	Title      string `yaml:"title"`
	Purpose    string `yaml:"purpose"`
	Source     string `yaml:"source"`
	Time       string `yaml:"time"`
	Kind       string `yaml:"kind"`
	Holder     string `yaml:"holder"`
	HolderRole string `yaml:"holder_role"`
	// Password opens password-protected archives. It is used while the add runs and is never
	// written to the case, its index or its custody log.
	Password string `yaml:"password"`
}

// Holder roles a user may give.
const (
	HolderFamily     = "family"
	HolderThirdParty = "third-party"
)

// Kinds are the kinds a user may give an item (--kind, a sidecar's kind:, dossier edit).
var Kinds = []string{parse.KindScreenshot, parse.KindPhoto, parse.KindCallLog, parse.KindSMS, parse.KindChat, parse.KindRecording,
	parse.KindTranscript, parse.KindEmail, parse.KindBill, parse.KindAgreement, parse.KindAttachment, parse.KindDocument, parse.KindArchive}

// Check validates the fields that have a fixed set of values, with the same words whether they
// came from flags, a sidecar or the web app.
func (d *Describe) Check(loc *time.Location) error {
	if d.Kind != "" && !slices.Contains(Kinds, d.Kind) {
		return parse.Errorf("bad-kind", d.Kind, strings.Join(Kinds, ", "))
	}
	switch d.HolderRole {
	case "", HolderFamily, HolderThirdParty:
	default:
		return parse.Errorf("bad-holder-role", d.HolderRole)
	}
	if d.HolderRole != "" && d.Holder == "" {
		return parse.Errorf("holder-role-no-name", d.HolderRole)
	}
	if d.Time != "" {
		if _, err := ParseUserTime(d.Time, loc); err != nil {
			return err
		}
	}
	return nil
}

// merge returns d with the fields o sets replaced (o is more specific).
func (d Describe) merge(o Describe) Describe {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&d.Title, o.Title)
	set(&d.Purpose, o.Purpose)
	set(&d.Source, o.Source)
	set(&d.Time, o.Time)
	set(&d.Kind, o.Kind)
	set(&d.Holder, o.Holder)
	set(&d.HolderRole, o.HolderRole)
	set(&d.Password, o.Password)
	return d
}

// readSidecar reads the sidecar at path ("" when the file has none).
func readSidecar(path string) (Describe, bool, error) {
	if path == "" {
		return Describe{}, false, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return Describe{}, false, nil
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return Describe{}, true, err
	}
	d, err := decodeSidecar(data)
	if err != nil {
		return Describe{}, true, err
	}
	return d, true, nil
}

// sidecarKeys are the keys a sidecar may hold, in the order the messages list them.
var sidecarKeys = []string{"title", "purpose", "source", "time", "kind", "holder", "holder_role", "password"}

// decodeSidecar reads a sidecar's keys one by one from the YAML tree, so that every message
// names the line the user has to fix and says what is allowed.
func decodeSidecar(data []byte) (Describe, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return Describe{}, syntaxError(err)
	}
	var d Describe
	if len(root.Content) == 0 {
		return d, nil // empty file
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return d, lineError(doc.Line, "sidecar-not-map", strings.Join(sidecarKeys, ", "))
	}
	fields := map[string]*string{"title": &d.Title, "purpose": &d.Purpose, "source": &d.Source, "time": &d.Time,
		"kind": &d.Kind, "holder": &d.Holder, "holder_role": &d.HolderRole, "password": &d.Password}
	seen := map[string]int{}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		dst, ok := fields[k.Value]
		if !ok {
			return d, lineError(k.Line, "sidecar-unknown-key", k.Value, strings.Join(sidecarKeys, ", "))
		}
		if first, dup := seen[k.Value]; dup {
			return d, lineError(k.Line, "sidecar-key-twice", k.Value, first)
		}
		seen[k.Value] = k.Line
		if v.Kind != yaml.ScalarNode {
			return d, lineError(v.Line, "sidecar-not-text", k.Value)
		}
		*dst = v.Value
	}
	return d, nil
}

// syntaxError gives a YAML syntax error the line it is on. The YAML library counts the lines
// of its parser errors ("did not find expected ...") from zero, and leaves the line out on the
// first line, while it counts those of its scanner errors from one.
func syntaxError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	rest, line := msg, 0
	if strings.HasPrefix(msg, "line ") {
		if i := strings.Index(msg, ": "); i > 0 {
			if n, aerr := strconv.Atoi(msg[len("line "):i]); aerr == nil {
				line, rest = n, msg[i+2:]
			}
		}
	}
	if strings.HasPrefix(rest, "did not find expected") || strings.HasPrefix(rest, "found undefined tag handle") {
		line++
	}
	if line == 0 {
		line = 1
	}
	for _, m := range yamlMessages {
		if what, ok := strings.CutPrefix(rest, m.prefix); ok {
			return lineError(line, m.code, what)
		}
	}
	return lineError(line, "yaml-syntax", &parse.Problem{W: parse.Warning{What: rest}})
}

// yamlMessages are the YAML library's commonest syntax errors, worded by code so that a
// Chinese case reads them in Chinese; the rest keep the library's English.
var yamlMessages = []struct{ prefix, code string }{
	{"did not find expected ", "yaml-expected"},
	{"could not find expected ", "yaml-expected"},
	{"mapping values are not allowed in this context", "yaml-mapping-here"},
	{"found character that cannot start any token", "yaml-bad-character"},
	{"found unexpected end of stream", "yaml-end"},
}

// lineError is the error code at a line of the sidecar.
func lineError(line int, code string, args ...any) error {
	return &parse.Problem{W: parse.Warn("line "+strconv.Itoa(line), code, args...)}
}

// ParseUserTime reads a time given by the user: RFC 3339, or a local "2006-01-02 15:04[:05]" or
// a date in the case zone.
func ParseUserTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02", "2006/01/02 15:04:05", "2006/01/02 15:04", "2006/01/02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, parse.Errorf("bad-user-time", s)
}
