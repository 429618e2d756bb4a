//go:build !unix

package dossier

// processAlive cannot ask about another process here; callers fall back to the folder's age.
func processAlive(pid int) (alive, known bool) { return false, false }
