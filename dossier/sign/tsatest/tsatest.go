// Package tsatest runs a local RFC 3161 time-stamping authority for tests: openssl ts with a
// test certificate authority made on the spot, behind an HTTP server on 127.0.0.1. No test
// reaches the network. A test skips when openssl is not installed.
package tsatest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// TSA is a running local time-stamping authority.
type TSA struct {
	URL    string // where to POST time-stamp queries
	CAFile string // the PEM certificate of the authority the TSA's certificate chains to
	// Requests counts the queries answered.
	Requests int
	mu       sync.Mutex
}

const config = `
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = dossier test
[ ca_ext ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
[ tsa_ext ]
basicConstraints = CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = .
serial = $dir/serial
signer_cert = $dir/tsa.pem
certs = $dir/ca.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`

// Start makes a test CA and a TSA certificate under t.TempDir and serves time stamps until the
// test ends.
func Start(t testing.TB) *TSA {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed; the local TSA cannot run")
	}
	tsa, stop, err := Serve(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return tsa
}

// Serve is Start for callers without a testing.TB (testscript's setup): the authority's files go
// into dir; stop ends the server.
func Serve(dir string) (*TSA, func(), error) {
	run := func(args ...string) error {
		cmd := exec.Command("openssl", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("openssl %v: %v\n%s", args, err, out)
		}
		return nil
	}
	if err := os.WriteFile(filepath.Join(dir, "openssl.cnf"), []byte(config), 0o644); err != nil {
		return nil, nil, err
	}
	os.WriteFile(filepath.Join(dir, "serial"), []byte("01\n"), 0o644)
	for _, args := range [][]string{
		{"req", "-config", "openssl.cnf", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
			"-keyout", "ca.key", "-out", "ca.pem", "-days", "3650", "-subj", "/CN=dossier test TSA root", "-extensions", "ca_ext"},
		{"req", "-config", "openssl.cnf", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
			"-keyout", "tsa.key", "-out", "tsa.csr", "-subj", "/CN=dossier test TSA"},
		{"x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "tsa.pem",
			"-days", "3650", "-extfile", "openssl.cnf", "-extensions", "tsa_ext"},
	} {
		if err := run(args...); err != nil {
			return nil, nil, err
		}
	}
	tsa := &TSA{CAFile: filepath.Join(dir, "ca.pem")}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tsa.mu.Lock()
		defer tsa.mu.Unlock()
		q, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		if err != nil || r.Method != http.MethodPost {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		cmd := exec.Command("openssl", "ts", "-reply", "-config", "openssl.cnf", "-queryfile", "/dev/stdin", "-out", "/dev/stdout")
		cmd.Dir = dir
		cmd.Stdin = bytes.NewReader(q)
		out, err := cmd.Output()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		tsa.Requests++
		w.Header().Set("Content-Type", "application/timestamp-reply")
		w.Write(out)
	}))
	tsa.URL = srv.URL + "/tsa"
	return tsa, srv.Close, nil
}
