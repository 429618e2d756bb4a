// Command dossier turns the evidence of a debt-collection dispute into a complaint packet.
//
// Usage: dossier [-C DIR] COMMAND [flags]. See README.md or `dossier help`.
//
// Exit codes: 0 ok, 1 error, 2 usage error, 3 verification found problems.
package main

import (
	"os"

	_ "time/tzdata" // case time zones work on machines without a zoneinfo database
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
