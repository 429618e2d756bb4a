package serve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/dossier-tool/dossier/dossier"
	"github.com/dossier-tool/dossier/dossier/render/pdf"
	"github.com/dossier-tool/dossier/dossier/render/xlsx"
	"github.com/dossier-tool/dossier/dossier/verify"
)

// downloads are the only files of out/ the app hands out, by these names.
var downloads = map[string]string{dossier.PacketName: "application/pdf", dossier.WorkbookName: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "bag.zip": "application/zip"}

// previewPages is how many packet pages the build page shows as thumbnails.
const previewPages = 6

type buildView struct {
	Have    []string
	Preview []int
	Letters []string
}

func (s *Server) buildPage(w http.ResponseWriter, r *http.Request, cc *caseCtx) {
	v := buildView{Letters: []string{"complaint", "mediation", "regulator"}}
	for _, n := range []string{dossier.PacketName, dossier.WorkbookName, "bag.zip"} {
		if _, err := os.Stat(cc.c.OutPath(n)); err == nil {
			v.Have = append(v.Have, n)
		}
	}
	if s.pdftopm != "" && contains(v.Have, dossier.PacketName) {
		for i := 1; i <= previewPages; i++ {
			v.Preview = append(v.Preview, i)
		}
	}
	s.render(w, r, "build", page{Case: cc.name, Nav: "build", Data: v})
}

// startBuild renders what was asked with the same calls as dossier pdf / xlsx / bag, as a job.
func (s *Server) startBuild(w http.ResponseWriter, r *http.Request, cc *caseCtx) {
	what := r.PostFormValue("what")
	opt := pdf.Options{Letter: r.PostFormValue("letter"), Lang: r.PostFormValue("lang"), Redact: r.PostFormValue("redact") != ""}
	switch opt.Letter {
	case "complaint", "mediation", "regulator":
	default:
		http.Error(w, "letter: use complaint, mediation or regulator", http.StatusBadRequest)
		return
	}
	if opt.Lang != "" && opt.Lang != "zh" && opt.Lang != "en" {
		http.Error(w, "lang: use zh or en", http.StatusBadRequest)
		return
	}
	var steps []string
	switch what {
	case "packet":
		steps = []string{dossier.PacketName}
	case "workbook":
		steps = []string{dossier.WorkbookName}
	case "bag":
		steps = []string{"bag.zip"}
	case "all":
		steps = []string{dossier.PacketName, dossier.WorkbookName, "bag.zip"}
	default:
		http.Error(w, "what: use packet, workbook, bag or all", http.StatusBadRequest)
		return
	}
	j := s.jobs.start("build", cc.name)
	go func() {
		err := s.build(context.Background(), cc, j, steps, opt)
		j.finish(func(st *jobState) {
			if err != nil {
				st.Error = err.Error()
			}
			for _, n := range steps {
				if _, err := os.Stat(cc.c.OutPath(n)); err == nil {
					st.Links = append(st.Links, link{Href: "/c/" + pathEscape(cc.name) + "/download/" + n, Text: n})
				}
			}
			if s.pdftopm != "" && contains(steps, dossier.PacketName) && err == nil {
				for i := 1; i <= previewPages; i++ {
					st.Images = append(st.Images, fmt.Sprintf("/c/%s/preview/%d", pathEscape(cc.name), i))
				}
			}
		})
	}()
	writeJSON(w, map[string]string{"job": j.ID})
}

func (s *Server) build(ctx context.Context, cc *caseCtx, j *job, steps []string, opt pdf.Options) error {
	j.files.Store(int64(len(steps)))
	for i, n := range steps {
		j.stage(n)
		j.done.Store(int64(i))
		var err error
		switch n {
		case dossier.PacketName:
			err = dossier.WriteFileAtomic(cc.c.OutPath(n), func(w io.Writer) error { return cc.c.PDF(w, opt) })
			previews.forget(cc.c.OutPath(n))
		case dossier.WorkbookName:
			err = dossier.WriteFileAtomic(cc.c.OutPath(n), func(w io.Writer) error {
				return cc.c.XLSX(w, xlsx.Options{Lang: opt.Lang, LinkPrefix: dossier.BagName + "/data/"})
			})
		case "bag.zip":
			err = cc.c.Bag(ctx, cc.c.OutPath(n), dossier.BagOptions{PDF: opt, XLSX: xlsx.Options{Lang: opt.Lang}})
		}
		if err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
	}
	j.done.Store(int64(len(steps)))
	return nil
}

func (s *Server) download(w http.ResponseWriter, r *http.Request, cc *caseCtx) {
	name := r.PathValue("name")
	ct, ok := downloads[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	f, err := os.Open(cc.c.OutPath(name))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", ct)
	// The case's name is often Chinese: FormatMediaType writes it as RFC 2231 filename*=.
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": cc.name + "-" + name}))
	http.ServeContent(w, r, name, info.ModTime(), f)
}

// previews caches page thumbnails of each case's packet until it is rendered again.
var previews = &previewCache{m: map[string][]byte{}}

type previewCache struct {
	sync.Mutex
	m map[string][]byte
}

func (p *previewCache) forget(pdfPath string) {
	p.Lock()
	defer p.Unlock()
	for k := range p.m {
		if strings.HasPrefix(k, pdfPath+"#") {
			delete(p.m, k)
		}
	}
}

func (s *Server) preview(w http.ResponseWriter, r *http.Request, cc *caseCtx) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > previewPages || s.pdftopm == "" {
		http.NotFound(w, r)
		return
	}
	path := cc.c.OutPath(dossier.PacketName)
	info, err := os.Stat(path)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	key := fmt.Sprintf("%s#%d#%d", path, info.ModTime().UnixNano(), n)
	previews.Lock()
	b, ok := previews.m[key]
	previews.Unlock()
	if !ok {
		b, _ = pdfPage(r.Context(), s.pdftopm, path, n, 30)
		previews.Lock()
		previews.m[key] = b
		previews.Unlock()
	}
	if len(b) == 0 {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	_, _ = w.Write(b)
}

func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "verify", page{Nav: "verify"})
}

// verifyUpload checks a dropped packet PDF or bag zip with dossier.Verify, as dossier verify
// does, and returns the verdict as text.
func (s *Server) verifyUpload(w http.ResponseWriter, r *http.Request) {
	l := s.lang(r)
	ext := strings.ToLower(filepath.Ext(r.Header.Get("X-Name")))
	if ext != ".pdf" && ext != ".zip" {
		http.Error(w, t(l, "web.verify-what"), http.StatusBadRequest)
		return
	}
	// The dropped file stays inside the served folder, in a scratch folder removed afterwards
	// (and by the next drop if the server was killed), never in the system's temporary folder.
	dir, done, err := dossier.ScratchDir(s.root)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer done()
	tmp, err := os.CreateTemp(dir, "verify-*"+ext)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	_, err = io.Copy(tmp, http.MaxBytesReader(w, r.Body, s.opt.MaxVerify))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			http.Error(w, fmt.Sprintf("file too large (limit %d bytes)", s.opt.MaxVerify), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	// A recipient in the browser cannot add --all-digests, and an upload is bounded by
	// MaxVerify: the page recomputes every digest the file records.
	rep, err := dossier.VerifyWith(tmp.Name(), verify.Options{AllDigests: true})
	if err != nil {
		writeJSON(w, map[string]any{"ok": false, "text": err.Error()})
		return
	}
	var buf bytes.Buffer
	_ = rep.WriteText(&buf, l)
	text := strings.ReplaceAll(buf.String(), tmp.Name(), filepath.Base(r.Header.Get("X-Name")))
	writeJSON(w, map[string]any{"ok": rep.OK(), "text": text, "problems": len(rep.Problems)})
}
