//go:build !cgo

package ocr

import "fmt"

func openNets(string) (net, net, error) {
	return nil, nil, fmt.Errorf("%w: this dossier was built without cgo, which ONNX Runtime needs", ErrUnavailable)
}
