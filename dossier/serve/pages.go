package serve

import (
	"embed"
	"html/template"
	"io/fs"
	"log"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/evidence"
	"github.com/dossier-tool/dossier/dossier/vocab"
)

//go:embed web
var webFS embed.FS

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"t":       t,
	"kind":    vocab.Kind,
	"role":    vocab.Role,
	"channel": func(l, ch string) string { return vocab.Channel(l, ch) },
	"source":  vocab.TimeSource,
	"cat":     vocab.Category,
	"rule":    vocab.Rule,
	"holder":  vocab.Holder,
	"exhibit": evidence.Label,
	"esc":     url.PathEscape,
	"when": func(tm *time.Time, loc *time.Location) string {
		if tm == nil {
			return ""
		}
		return tm.In(loc).Format("2006-01-02 15:04:05")
	},
	"eq2": func(a, b string) bool { return a == b },
}).ParseFS(webFS, "web/*.html"))

// t is the web app's word for key in lang, from the shared vocabulary.
func t(lang, key string) string { return vocab.Term(lang, key) }

// page is what every template receives.
type page struct {
	Lang   string
	CSRF   string
	Case   string // the case's folder name, when the page is about one case
	Title  string
	Nav    string
	Error  string
	Notice string
	Back   string // this page's path, for the language switch
	Data   any
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, p page) {
	if sess := s.sessionOf(r); sess != nil {
		p.CSRF = sess.csrf
	}
	if p.Lang == "" {
		p.Lang = s.lang(r)
	}
	p.Back = r.URL.Path
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pages.ExecuteTemplate(w, name, p); err != nil {
		log.Printf("dossier serve: page %s: %v", name, err)
	}
}

// lang is the interface language: the visitor's choice, Chinese by default.
func (s *Server) lang(r *http.Request) string {
	if c, err := r.Cookie("dossier_lang"); err == nil && c.Value == vocab.EN {
		return vocab.EN
	}
	return vocab.ZH
}

func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	l := vocab.Lang(r.PathValue("lang"))
	http.SetCookie(w, &http.Cookie{Name: "dossier_lang", Value: l, Path: "/", SameSite: http.SameSiteStrictMode, HttpOnly: true})
	back := r.URL.Query().Get("back")
	// Only a path on this server: "//evil.example" and "/\evil" would leave it.
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.Contains(back, "\\") {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func (s *Server) routes() {
	m := http.NewServeMux()
	static, _ := fs.Sub(webFS, "web")
	m.Handle("GET /static/", http.StripPrefix("/static/", http.FileServer(http.FS(static))))
	m.HandleFunc("/login", s.login)
	m.HandleFunc("GET /lang/{lang}", s.setLang)
	m.HandleFunc("GET /{$}", s.casesPage)
	m.HandleFunc("POST /cases", s.createCase)
	m.HandleFunc("GET /c/{case}/{$}", s.withCase(s.overviewPage))
	m.HandleFunc("GET /c/{case}/details", s.withCase(s.detailsPage))
	m.HandleFunc("POST /c/{case}/details", s.withCase(s.saveDetails))
	m.HandleFunc("GET /c/{case}/evidence", s.withCase(s.evidencePage))
	m.HandleFunc("POST /c/{case}/batch", s.withCase(s.newBatch))
	m.HandleFunc("POST /c/{case}/upload/{batch}", s.withCase(s.upload))
	m.HandleFunc("POST /c/{case}/ingest/{batch}", s.withCase(s.ingest))
	m.HandleFunc("POST /c/{case}/edit/{n}", s.withCase(s.editItem))
	m.HandleFunc("GET /c/{case}/thumb/{n}", s.withCase(s.thumb))
	m.HandleFunc("GET /c/{case}/numbers", s.withCase(s.numbersPage))
	m.HandleFunc("POST /c/{case}/role", s.withCase(s.setRole))
	m.HandleFunc("GET /c/{case}/timeline", s.withCase(s.timelinePage))
	m.HandleFunc("GET /c/{case}/build", s.withCase(s.buildPage))
	m.HandleFunc("POST /c/{case}/build", s.withCase(s.startBuild))
	m.HandleFunc("GET /c/{case}/download/{name}", s.withCase(s.download))
	m.HandleFunc("GET /c/{case}/preview/{n}", s.withCase(s.preview))
	m.HandleFunc("GET /verify", s.verifyPage)
	m.HandleFunc("POST /verify", s.verifyUpload)
	m.HandleFunc("GET /api/jobs/{id}", s.jobStatus)
	s.mux = m
}
