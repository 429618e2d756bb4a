package ingest_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dossier-tool/dossier/dossier/casefolder"
	"github.com/dossier-tool/dossier/dossier/ingest"
	"github.com/dossier-tool/dossier/dossier/parse/formats"
)

// writeFiles writes n files of size random bytes each under dir.
func writeFiles(tb testing.TB, dir string, n, size int, seed byte) {
	tb.Helper()
	src := rand.NewChaCha8([32]byte{seed})
	b := make([]byte, size)
	for i := range n {
		src.Read(b)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("item_%05d.bin", i)), b, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// benchAdd adds the folder src to a fresh case per iteration, with every real parser, timing
// only the add (the case is created and removed outside the clock).
func benchAdd(b *testing.B, src string, files int, bytes int64) {
	parsers := formats.All()
	b.SetBytes(bytes)
	root := b.TempDir()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		dir := filepath.Join(root, fmt.Sprint(i))
		f, err := casefolder.Init(dir, casefolder.InitOptions{Title: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		c, err := f.Case()
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep, err := ingest.Add(f, c, []string{src}, ingest.Options{Parsers: parsers, Now: time.Now})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Added != files {
			b.Fatalf("added %d of %d files", rep.Added, files)
		}
		b.StopTimer()
		os.RemoveAll(dir)
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*files), "µs/file")
}

// BenchmarkAddSmall is many screenshots' worth of small files: the per-file cost (open, stage,
// detect, parse, index) and the batched syncs.
func BenchmarkAddSmall(b *testing.B) {
	src := b.TempDir()
	const n, size = 1000, 8 << 10
	writeFiles(b, src, n, size, 1)
	benchAdd(b, src, n, n*size)
}

// BenchmarkAddLarge is a few recordings: the cost per byte (copy, hash, sync).
func BenchmarkAddLarge(b *testing.B) {
	src := b.TempDir()
	const n, size = 4, 32 << 20
	writeFiles(b, src, n, size, 2)
	benchAdd(b, src, n, n*size)
}
