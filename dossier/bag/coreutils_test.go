package bag

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestCoreutilsChecksManifests has GNU sha256sum/sha512sum, which read the same "checksum path"
// lines, check the manifests independently of Verify — and fail once a payload byte changes.
func TestCoreutilsChecksManifests(t *testing.T) {
	tools := map[string]string{}
	for _, name := range []string{"sha256sum", "sha512sum"} {
		p, err := exec.LookPath(name)
		if err != nil {
			t.Skipf("%s not installed", name)
		}
		tools[name] = p
	}
	dir := writeDir(t, testBundle(t, sampleOriginals()), docs())
	run := func(tool, manifest string) error {
		cmd := exec.Command(tools[tool], "--check", "--strict", "--quiet", manifest)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Logf("%s %s: %s", tool, manifest, out)
		}
		return err
	}
	tests := []struct{ tool, manifest string }{
		{"sha256sum", ManifestSHA256}, {"sha512sum", ManifestSHA512},
		{"sha256sum", TagManifest256}, {"sha512sum", TagManifest512},
	}
	for _, tc := range tests {
		t.Run(tc.manifest, func(t *testing.T) {
			if err := run(tc.tool, tc.manifest); err != nil {
				t.Errorf("%s rejects %s: %v", tc.tool, tc.manifest, err)
			}
		})
	}
	t.Run("altered payload is caught", func(t *testing.T) {
		p := filepath.Join(dir, filepath.FromSlash(calls))
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		data[0] ^= 1
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if run("sha256sum", ManifestSHA256) == nil {
			t.Error("sha256sum accepted an altered file")
		}
	})
}
