//go:build !stress

package reliability

// stress is false in `make test`: the trial counts stay small enough for every commit.
const stress = false
