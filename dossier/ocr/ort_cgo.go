//go:build cgo

package ocr

import (
	"fmt"
	"path/filepath"
	"runtime"
	"sync"

	ort "github.com/yalue/onnxruntime_go"
)

var (
	envOnce sync.Once
	envErr  error
)

// initRuntime loads the shared library once per process; ONNX Runtime has one environment.
func initRuntime(dir string) error {
	envOnce.Do(func() {
		ort.SetSharedLibraryPath(filepath.Join(dir, RuntimeLib))
		envErr = ort.InitializeEnvironment(ort.WithLogLevelError())
	})
	return envErr
}

type ortNet struct {
	s   *ort.DynamicAdvancedSession
	in  string
	out string
}

func openNets(dir string) (net, net, error) {
	if err := initRuntime(dir); err != nil {
		return nil, nil, fmt.Errorf("%w: load %s: %w", ErrUnavailable, RuntimeLib, err)
	}
	det, err := openNet(filepath.Join(dir, DetModel))
	if err != nil {
		return nil, nil, err
	}
	rec, err := openNet(filepath.Join(dir, RecModel))
	if err != nil {
		det.close()
		return nil, nil, err
	}
	return det, rec, nil
}

func openNet(path string) (*ortNet, error) {
	ins, outs, err := ort.GetInputOutputInfo(path)
	if err != nil {
		return nil, fmt.Errorf("%w: read model %s: %w", ErrUnavailable, filepath.Base(path), err)
	}
	if len(ins) != 1 || len(outs) < 1 {
		return nil, fmt.Errorf("%w: model %s has %d inputs and %d outputs, want 1 and 1", ErrUnavailable, filepath.Base(path), len(ins), len(outs))
	}
	opt, err := ort.NewSessionOptions()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	defer opt.Destroy()
	if err := opt.SetIntraOpNumThreads(runtime.NumCPU()); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	if err := opt.SetInterOpNumThreads(1); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	// On a machine shared with other work, threads that spin while waiting for the next
	// operator burn the CPU the others need; they sleep instead.
	if err := opt.AddSessionConfigEntry("session.intra_op.allow_spinning", "0"); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	// Every image and every batch of lines has its own input shape: a memory plan made for one
	// shape is of no use to the next.
	if err := opt.SetMemPattern(false); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	s, err := ort.NewDynamicAdvancedSession(path, []string{ins[0].Name}, []string{outs[0].Name}, opt)
	if err != nil {
		return nil, fmt.Errorf("%w: open model %s: %w", ErrUnavailable, filepath.Base(path), err)
	}
	return &ortNet{s: s, in: ins[0].Name, out: outs[0].Name}, nil
}

func (n *ortNet) run(input []float32, shape []int64) ([]float32, []int64, error) {
	t, err := ort.NewTensor(ort.NewShape(shape...), input)
	if err != nil {
		return nil, nil, err
	}
	defer t.Destroy()
	outs := []ort.Value{nil}
	if err := n.s.Run([]ort.Value{t}, outs); err != nil {
		return nil, nil, err
	}
	defer outs[0].Destroy()
	ot, ok := outs[0].(*ort.Tensor[float32])
	if !ok {
		return nil, nil, fmt.Errorf("model output is %T, not a float32 tensor", outs[0])
	}
	data := append([]float32(nil), ot.GetData()...)
	return data, ot.GetShape(), nil
}

func (n *ortNet) close() error { return n.s.Destroy() }
