package main

import (
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionOf(t *testing.T) {
	vcs := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "3f2a9c1e4b5d6a7b8c9d0e1f2a3b4c5d6e7f8a9b"}, {Key: "vcs.time", Value: "2025-04-15T08:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	novcs := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}}
	tagged := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.0"}}
	tests := []struct {
		name               string
		bi                 *debug.BuildInfo
		ok                 bool
		rev, at, mod, want string
	}{
		{"toolchain recorded the revision", vcs, true, "", "", "", "(devel) 3f2a9c1e4b5d 2025-04-15T08:00:00Z (modified) go1.26.0"},
		{"toolchain's revision wins over the linker's", vcs, true, "aaaaaaaaaaaaaaaa", "2020-01-01T00:00:00Z", "false",
			"(devel) 3f2a9c1e4b5d 2025-04-15T08:00:00Z (modified) go1.26.0"},
		{"-buildvcs=false with the revision passed at link time", novcs, true, "0123456789abcdef0123", "2025-05-01T10:00:00Z", "false",
			"(devel) 0123456789ab 2025-05-01T10:00:00Z go1.26.0"},
		{"linked revision of a modified tree", novcs, true, "0123456789abcdef0123", "", "true", "(devel) 0123456789ab (modified) go1.26.0"},
		{"no revision anywhere", novcs, true, "", "", "", "(devel) go1.26.0"},
		{"go install of a tag", tagged, true, "", "", "", "v1.2.0 go1.26.0"},
		{"no build information but a linked revision", nil, false, "0123456789abcdef0123", "", "", "(devel) 0123456789ab"},
		{"nothing at all", nil, false, "", "", "", "(unknown)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionOf(tt.bi, tt.ok, tt.rev, tt.at, tt.mod); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// make build links the checkout's revision in, so --version has it even where the toolchain
// records none.
func TestMakefilePassesRevision(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	head, err := exec.Command("git", "-C", "../..", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skip("not a git checkout, or git is not installed: the Makefile passes no revision then")
	}
	out, err := exec.Command("make", "-C", "../..", "-n", "build").CombinedOutput()
	if err != nil {
		t.Fatalf("make -n build: %v\n%s", err, out)
	}
	want := "-X main.revision=" + strings.TrimSpace(string(head))
	if !strings.Contains(string(out), want) || !strings.Contains(string(out), "-X main.revisionTime=20") {
		t.Errorf("make build does not link the revision in (%s):\n%s", want, out)
	}
}
