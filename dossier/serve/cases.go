package serve

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/dossier-tool/dossier/dossier"
	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/casefolder"
)

// plainName accepts one path element a user or a browser may give: no separator, not . or ..,
// not hidden, no control character. Everything the app reads or writes is reached through such
// names, so no parameter can point outside the served folder.
func plainName(s string) bool {
	if s == "" || len(s) > 255 || s == "." || s == ".." || strings.HasPrefix(s, ".") || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r == '/' || r == '\\' || r < 0x20 || r == 0x7f || r == ':' {
			return false
		}
	}
	return true
}

// fileName accepts one element of an uploaded file's path: hidden names are files people have,
// but no separator, no . or .., no control character.
func fileName(s string) bool {
	if s == "" || len(s) > 255 || s == "." || s == ".." || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r == '/' || r == '\\' || r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// caseCtx is an open case a handler works on.
type caseCtx struct {
	name string
	c    *dossier.Case
	conf *caseconf.Case
	lang string
}

// withCase resolves {case} to a case folder directly under the served folder.
func (s *Server) withCase(h func(http.ResponseWriter, *http.Request, *caseCtx)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("case")
		if !plainName(name) {
			http.Error(w, "no such case", http.StatusNotFound)
			return
		}
		dir := filepath.Join(s.root, name)
		if info, err := os.Lstat(dir); err != nil || !info.IsDir() {
			http.Error(w, "no such case", http.StatusNotFound)
			return
		}
		c, err := dossier.Open(dir)
		if err != nil {
			http.Error(w, "no such case", http.StatusNotFound)
			return
		}
		cc := &caseCtx{name: name, c: c, lang: s.lang(r)}
		conf, err := c.Folder.Case()
		if err == nil {
			cc.conf = conf
		} else if r.URL.Path != "/c/"+name+"/details" || r.Method != http.MethodGet {
			// Only the details page can show (and mend) a case.yaml that does not read.
			s.render(w, r, "error", page{Case: name, Error: err.Error()})
			return
		}
		h(w, r, cc)
	}
}

type caseRow struct {
	Name, Title string
	Items       int
	Err         string
}

func (s *Server) listCases() []caseRow {
	entries, _ := os.ReadDir(s.root)
	var out []caseRow
	for _, e := range entries {
		if !e.IsDir() || !plainName(e.Name()) {
			continue
		}
		c, err := dossier.Open(filepath.Join(s.root, e.Name()))
		if err != nil {
			continue
		}
		row := caseRow{Name: e.Name()}
		if conf, err := c.Folder.Case(); err == nil {
			row.Title = conf.Title
		} else {
			row.Err = err.Error()
		}
		items, _ := c.Items()
		row.Items = len(items)
		out = append(out, row)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (s *Server) casesPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "cases", page{Nav: "cases", Data: s.listCases()})
}

func (s *Server) createCase(w http.ResponseWriter, r *http.Request) {
	l := s.lang(r)
	name := strings.TrimSpace(r.PostFormValue("folder"))
	title := strings.TrimSpace(r.PostFormValue("title"))
	lang := r.PostFormValue("language")
	tz := strings.TrimSpace(r.PostFormValue("timezone"))
	fail := func(msg string) {
		w.WriteHeader(http.StatusBadRequest)
		s.render(w, r, "cases", page{Nav: "cases", Data: s.listCases(), Error: msg})
	}
	if name == "" {
		name = title
	}
	if !plainName(name) {
		fail(t(l, "web.bad-folder"))
		return
	}
	if lang != "zh" && lang != "en" {
		fail("language " + lang + ": use zh or en")
		return
	}
	_, err := dossier.Init(filepath.Join(s.root, name), dossier.InitOptions{Title: title, Language: lang, Timezone: tz, Now: s.opt.Now()})
	if errors.Is(err, casefolder.ErrExists) {
		fail(t(l, "web.case-exists"))
		return
	}
	if err != nil {
		fail(err.Error())
		return
	}
	http.Redirect(w, r, "/c/"+pathEscape(name)+"/details", http.StatusSeeOther)
}

func (s *Server) overviewPage(w http.ResponseWriter, r *http.Request, cc *caseCtx) {
	http.Redirect(w, r, "/c/"+pathEscape(cc.name)+"/evidence", http.StatusSeeOther)
}
