package serve

import (
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"
)

// job is work that outlives its request (an add, a build), polled by the page for progress.
type job struct {
	ID    string `json:"id"`
	Kind  string `json:"kind"`
	Case  string `json:"case"`
	files atomic.Int64
	total atomic.Int64
	done  atomic.Int64
	mu    sync.Mutex
	state jobState
}

type jobState struct {
	Stage  string   `json:"stage"`
	Done   bool     `json:"done"`
	Error  string   `json:"error,omitempty"`
	Lines  []string `json:"lines,omitempty"` // what happened, for the page
	Links  []link   `json:"links,omitempty"` // downloads
	Images []string `json:"images,omitempty"`
}

type link struct {
	Href, Text string
}

// Total and Advance make a job an ingest.Progress.
func (j *job) Total(files int, bytes int64) { j.files.Store(int64(files)); j.total.Store(bytes) }
func (j *job) Advance(n int64)              { j.done.Add(n) }

func (j *job) stage(s string) {
	j.mu.Lock()
	j.state.Stage = s
	j.mu.Unlock()
}

func (j *job) finish(f func(*jobState)) {
	j.mu.Lock()
	f(&j.state)
	j.state.Done = true
	j.mu.Unlock()
}

type jobs struct {
	mu sync.Mutex
	m  map[string]*job
}

func newJobs() *jobs { return &jobs{m: map[string]*job{}} }

func (js *jobs) start(kind, caseName string) *job {
	j := &job{ID: randomHex(12), Kind: kind, Case: caseName}
	js.mu.Lock()
	js.m[j.ID] = j
	js.mu.Unlock()
	return j
}

func (s *Server) jobStatus(w http.ResponseWriter, r *http.Request) {
	s.jobs.mu.Lock()
	j := s.jobs.m[r.PathValue("id")]
	s.jobs.mu.Unlock()
	if j == nil {
		http.Error(w, "no such job", http.StatusNotFound)
		return
	}
	j.mu.Lock()
	st := j.state
	j.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(struct {
		jobState
		Files int64 `json:"files"`
		Total int64 `json:"total"`
		Bytes int64 `json:"bytes"`
	}{st, j.files.Load(), j.total.Load(), j.done.Load()})
}
