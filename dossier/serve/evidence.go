package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier"
	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/ingest"
)

// uploadsDir is where a case's uploads wait to be added, beside its store (never inside it:
// every write to the store goes through Add).
const uploadsDir = ".uploads"

// lockWait is how long a page waits for another process writing the case (a `dossier add` in
// a terminal) before it says so.
const lockWait = 2 * time.Minute

var batchRE = regexp.MustCompile(`^[0-9a-f]{24}$`)

type evidenceView struct {
	Items   []evidence.Item
	Loc     *time.Location
	Kinds   []string
	Roles   []string
	Unroled int
}

func (s *Server) evidencePage(w http.ResponseWriter, r *http.Request, cc *caseCtx) {
	items, err := cc.c.Items()
	if err != nil {
		s.render(w, r, "error", page{Case: cc.name, Error: err.Error()})
		return
	}
	s.render(w, r, "evidence", page{Case: cc.name, Nav: "evidence", Title: cc.conf.Title, Data: evidenceView{
		Items: items, Loc: cc.conf.Location(), Kinds: ingest.Kinds, Roles: []string{ingest.HolderFamily, ingest.HolderThirdParty}}})
}

// staleUploads is how long an upload whose page was closed before it was added is kept.
const staleUploads = 24 * time.Hour

// newBatch makes a folder for one drop of files and returns its id. Uploads a closed page left
// behind a day ago are removed first: nothing of them reached the case.
func (s *Server) newBatch(w http.ResponseWriter, r *http.Request, cc *caseCtx) {
	up := filepath.Join(cc.c.Folder.Dir, uploadsDir)
	if entries, err := os.ReadDir(up); err == nil {
		for _, e := range entries {
			if info, err := e.Info(); err == nil && batchRE.MatchString(e.Name()) && time.Since(info.ModTime()) > staleUploads {
				os.RemoveAll(filepath.Join(up, e.Name()))
			}
		}
	}
	id := randomHex(12)
	if err := os.MkdirAll(filepath.Join(cc.c.Folder.Dir, uploadsDir, id), 0o700); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeJSON(w, map[string]string{"batch": id})
}

// uploadPath turns the relative path a browser sends with a dropped file (folder/sub/name.jpg)
// into a path inside the batch folder, refusing anything that would leave it.
func uploadPath(batchDir, rel string) (string, bool) {
	rel = strings.ReplaceAll(rel, "\\", "/")
	var parts []string
	for _, p := range strings.Split(rel, "/") {
		if p == "" {
			continue
		}
		if !fileName(p) {
			return "", false
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 || len(parts) > 32 {
		return "", false
	}
	full := filepath.Join(append([]string{batchDir}, parts...)...)
	if r, err := filepath.Rel(batchDir, full); err != nil || strings.HasPrefix(r, "..") {
		return "", false
	}
	return full, true
}

// upload streams one file's body to the batch folder; it is never held whole in memory.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, cc *caseCtx) {
	batch := r.PathValue("batch")
	if !batchRE.MatchString(batch) {
		http.Error(w, "no such upload", http.StatusNotFound)
		return
	}
	batchDir := filepath.Join(cc.c.Folder.Dir, uploadsDir, batch)
	if _, err := os.Stat(batchDir); err != nil {
		http.Error(w, "no such upload", http.StatusNotFound)
		return
	}
	rel, err := url.PathUnescape(r.Header.Get("X-Path"))
	if err != nil {
		http.Error(w, "bad file name", http.StatusBadRequest)
		return
	}
	dst, ok := uploadPath(batchDir, rel)
	if !ok {
		http.Error(w, "bad file name", http.StatusBadRequest)
		return
	}
	if r.ContentLength > s.opt.MaxUpload {
		http.Error(w, fmt.Sprintf("file too large (limit %d bytes)", s.opt.MaxUpload), http.StatusRequestEntityTooLarge)
		return
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		http.Error(w, "file already uploaded in this batch", http.StatusConflict)
		return
	}
	body := http.MaxBytesReader(w, r.Body, s.opt.MaxUpload)
	n, err := io.CopyBuffer(f, body, make([]byte, 256<<10))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			http.Error(w, fmt.Sprintf("file too large (limit %d bytes)", s.opt.MaxUpload), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "upload interrupted: "+err.Error(), http.StatusBadRequest)
		return
	}
	if mt := r.Header.Get("X-Mtime"); mt != "" {
		if ms, err := strconv.ParseInt(mt, 10, 64); err == nil && ms > 0 {
			tm := time.UnixMilli(ms)
			_ = os.Chtimes(dst, tm, tm)
		}
	}
	writeJSON(w, map[string]any{"bytes": n})
}

// ingest adds a batch to the case with Case.Add, under the case lock, as a job the page polls.
func (s *Server) ingest(w http.ResponseWriter, r *http.Request, cc *caseCtx) {
	batch := r.PathValue("batch")
	if !batchRE.MatchString(batch) {
		http.Error(w, "no such upload", http.StatusNotFound)
		return
	}
	batchDir := filepath.Join(cc.c.Folder.Dir, uploadsDir, batch)
	entries, err := os.ReadDir(batchDir)
	if err != nil {
		http.Error(w, "no such upload", http.StatusNotFound)
		return
	}
	d := ingest.Describe{Holder: strings.TrimSpace(r.PostFormValue("holder")), HolderRole: r.PostFormValue("holder_role")}
	if err := d.Check(cc.conf.Location()); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var paths []string
	for _, e := range entries {
		paths = append(paths, filepath.Join(batchDir, e.Name()))
	}
	sort.Strings(paths)
	j := s.jobs.start("add", cc.name)
	j.stage("add")
	go func() {
		defer os.RemoveAll(batchDir)
		rep, err := cc.c.Add(context.Background(), paths, dossier.AddOptions{Describe: d, Lock: s.lock("dossier serve: add"),
			Progress: j, ShowFrom: batchDir})
		j.finish(func(st *jobState) {
			if rep != nil {
				st.Lines = addLines(cc.lang, rep)
			}
			if err != nil {
				st.Error = err.Error()
			}
		})
	}()
	writeJSON(w, map[string]string{"job": j.ID})
}

func addLines(lang string, rep *ingest.Report) []string {
	var out []string
	for _, r := range rep.Results {
		switch {
		case r.Err != "":
			out = append(out, r.Path+": "+r.ErrText(lang))
		case r.Skipped != "":
			out = append(out, r.Path+": "+r.SkippedText(lang))
		case r.DuplicateOf > 0:
			out = append(out, fmt.Sprintf("%s %s: %s", evidence.Label(lang, r.DuplicateOf), r.Path, t(lang, "add.duplicate")))
		default:
			out = append(out, fmt.Sprintf("%s %s %s", evidence.Label(lang, r.Exhibit), r.Path, r.SummaryText(lang)))
			for _, w := range r.WarningTexts(lang) {
				out = append(out, "  ⚠ "+w)
			}
		}
	}
	out = append(out, fmt.Sprintf(t(lang, "add.summary"), rep.Added, rep.Dups, rep.Failed))
	return out
}

// editItem changes an item's description with Case.Edit (custody-logged), for the in-place
// editing of the evidence page.
func (s *Server) editItem(w http.ResponseWriter, r *http.Request, cc *caseCtx) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n <= 0 {
		http.Error(w, "no such exhibit", http.StatusNotFound)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var opt dossier.EditOptions
	field := func(k string) *string {
		if _, ok := r.PostForm[k]; !ok {
			return nil
		}
		v := strings.TrimSpace(r.PostForm.Get(k))
		return &v
	}
	opt.Title, opt.Purpose, opt.Source, opt.Kind = field("title"), field("purpose"), field("source"), field("kind")
	if tm := field("time"); tm != nil && *tm != "" {
		opt.Time = tm
	}
	opt.Lock = s.lock("dossier serve: edit")
	res, err := cc.c.Edit(r.Context(), n, opt)
	if err != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, res)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

func pathEscape(s string) string { return url.PathEscape(s) }

// itemByNumber finds exhibit n.
func itemByNumber(cc *caseCtx, n string) (*evidence.Item, bool) {
	num, err := strconv.Atoi(n)
	if err != nil || num <= 0 {
		return nil, false
	}
	items, err := cc.c.Items()
	if err != nil {
		return nil, false
	}
	for i := range items {
		if items[i].Exhibit == num {
			return &items[i], true
		}
	}
	return nil, false
}
