//go:build stress

package reliability

// stress is true under `make stress` (go test -tags stress): the long forms of the trials.
const stress = true
