package pdfdoc

import (
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/dossier-tool/dossier/dossier/parse"
)

// Parts is what a verifier needs of a PDF beyond its pages: the /Keywords of the document
// information, the embedded files of the /EmbeddedFiles name tree and the signature fields of
// the interactive form. ReadParts reads them through the same cross-reference handling as Read,
// so a file that a tool rewrote losslessly (object streams, xref streams, new offsets) still
// shows its attachments.
type Parts struct {
	Keywords   string
	Files      []File
	Signatures []Signature
	// Warnings tell where the file's own cross-reference data could not be used as it stands.
	Warnings []parse.Warning
}

// File is one embedded file.
type File struct {
	Name string // /UF, else /F
	// CheckSum is the /Params /CheckSum the writer stored (raw MD5 bytes); nil when absent.
	CheckSum []byte
	// Size is the uncompressed size in /Params /Size, or -1.
	Size int64

	d  *document
	st *stream
}

// Open returns the decoded content of the file, read from the underlying io.ReaderAt as the
// caller reads: nothing is held. At most limit bytes are produced.
func (f *File) Open(limit int64) (io.Reader, error) {
	rd, err := f.d.streamReader(f.st)
	if err != nil {
		return nil, fmt.Errorf("embedded file %s: %w", f.Name, err)
	}
	return io.LimitReader(rd, limit), nil
}

// Signature is the value of one signature field.
type Signature struct {
	Field     string  // the field's /T
	SubFilter string  // /SubFilter, e.g. ETSI.CAdES.detached
	ByteRange []int64 // pairs of offset and length that the signature covers
	Contents  []byte  // the CMS signature as stored (with the writer's zero padding)
	SignTime  string  // /M as written, e.g. D:20250415120000+08'00'
}

// ErrNoParts is returned when r is not a PDF at all.
var ErrNoParts = errNotPDF

// Caps on what ReadParts walks: name-tree and field-tree nodes, and objects parsed in all. A
// packet holds three objects per attachment, so these allow tens of thousands of exhibits.
const (
	maxPartNodes    = 1 << 16
	maxPartLoads    = 1 << 18
	maxPartObjBytes = 1 << 30
)

// ReadParts reads the keywords, embedded files and signatures of the PDF in r. It fails only when
// r is not a PDF; a part that cannot be read is left out and a warning says why.
func ReadParts(r io.ReaderAt, size int64) (*Parts, error) {
	d, err := open(r, size)
	if err != nil {
		return nil, err
	}
	d.maxLoads, d.maxObjBytes = maxPartLoads, maxPartObjBytes
	p := &Parts{}
	if info, ok := d.resolve(d.trailer["Info"]).(dict); ok {
		if s, ok := d.resolve(info["Keywords"]).(pdfString); ok {
			p.Keywords = decodeText(s)
		}
	}
	root, _ := d.resolve(d.trailer["Root"]).(dict)
	nodes := 0
	if names, ok := d.resolve(root["Names"]).(dict); ok {
		d.nameTree(d.resolve(names["EmbeddedFiles"]), 0, &nodes, func(v any) {
			spec, ok := d.resolve(v).(dict)
			if !ok {
				d.warn("embedded files", "pdf-filespec-not-dict")
				return
			}
			f, err := d.embeddedFile(spec)
			if err != nil {
				d.warn("embedded files", "error", err)
				return
			}
			p.Files = append(p.Files, *f)
		})
	}
	if form, ok := d.resolve(root["AcroForm"]).(dict); ok {
		d.fields(asArray(d.resolve(form["Fields"])), 0, &nodes, &p.Signatures)
	}
	p.Warnings = d.warnings
	return p, nil
}

// nameTree calls fn with each value of a name tree, in tree order.
func (d *document) nameTree(node any, depth int, nodes *int, fn func(any)) {
	n, ok := node.(dict)
	if !ok || depth > maxNesting || *nodes >= maxPartNodes {
		return
	}
	*nodes++
	kv := asArray(d.resolve(n["Names"]))
	for i := 0; i+1 < len(kv); i += 2 {
		fn(kv[i+1])
	}
	for _, kid := range asArray(d.resolve(n["Kids"])) {
		d.nameTree(d.resolve(kid), depth+1, nodes, fn)
	}
}

// fields collects the signature fields of a field tree.
func (d *document) fields(list array, depth int, nodes *int, out *[]Signature) {
	if depth > maxNesting {
		return
	}
	for _, v := range list {
		f, ok := d.resolve(v).(dict)
		if !ok || *nodes >= maxPartNodes {
			continue
		}
		*nodes++
		if kids := asArray(d.resolve(f["Kids"])); len(kids) > 0 {
			d.fields(kids, depth+1, nodes, out)
		}
		if d.resolve(f["FT"]) != name("Sig") {
			continue
		}
		sig, ok := d.resolve(f["V"]).(dict)
		if !ok {
			continue // an empty signature field: nothing was signed
		}
		s := Signature{}
		if t, ok := d.resolve(f["T"]).(pdfString); ok {
			s.Field = decodeText(t)
		}
		if sf, ok := d.resolve(sig["SubFilter"]).(name); ok {
			s.SubFilter = string(sf)
		}
		if c, ok := d.resolve(sig["Contents"]).(pdfString); ok {
			s.Contents = []byte(c)
		}
		if m, ok := d.resolve(sig["M"]).(pdfString); ok {
			s.SignTime = string(m)
		}
		for _, x := range asArray(d.resolve(sig["ByteRange"])) {
			if n, ok := d.resolve(x).(int64); ok {
				s.ByteRange = append(s.ByteRange, n)
			}
		}
		*out = append(*out, s)
	}
}

func (d *document) embeddedFile(spec dict) (*File, error) {
	f := &File{Size: -1, d: d}
	for _, k := range []string{"UF", "F"} {
		if s, ok := d.resolve(spec[k]).(pdfString); ok && f.Name == "" {
			f.Name = decodeText(s)
		}
	}
	ef, _ := d.resolve(spec["EF"]).(dict)
	key := "F"
	if _, ok := ef["UF"]; ok && ef["F"] == nil {
		key = "UF"
	}
	st, ok := d.resolve(ef[key]).(*stream)
	if !ok {
		return nil, fmt.Errorf("%s: no embedded file stream", f.Name)
	}
	f.st = st
	if params, ok := d.resolve(st.dict["Params"]).(dict); ok {
		if cs, ok := d.resolve(params["CheckSum"]).(pdfString); ok {
			f.CheckSum = []byte(cs)
		}
		if n, ok := d.resolve(params["Size"]).(int64); ok {
			f.Size = n
		}
	}
	return f, nil
}

// streamReader decodes a stream as it is read: no filter or FlateDecode, the ones PDF writers use
// for embedded files.
func (d *document) streamReader(st *stream) (io.Reader, error) {
	length, ok := d.resolve(st.dict["Length"]).(int64)
	if !ok || length < 0 || st.start+length > d.size {
		return nil, errors.New("stream without a usable /Length")
	}
	var rd io.Reader = io.NewSectionReader(d.r, st.start, length)
	filters := asArray(d.resolve(st.dict["Filter"]))
	switch {
	case len(filters) == 0:
		return rd, nil
	case len(filters) == 1 && (filters[0] == name("FlateDecode") || filters[0] == name("Fl")):
		if len(asArray(d.resolve(st.dict["DecodeParms"]))) > 0 {
			return nil, errors.New("FlateDecode with a predictor is not supported for embedded files")
		}
		zr, err := zlib.NewReader(rd)
		if err != nil {
			return nil, fmt.Errorf("flate: %w", err)
		}
		return zr, nil
	}
	var names []string
	for _, f := range filters {
		names = append(names, fmt.Sprint(f))
	}
	return nil, fmt.Errorf("filter %s is not supported", strings.Join(names, " "))
}
