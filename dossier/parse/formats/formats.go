// Package formats lists the parsers ingest tries, in order of precedence.
//
// Each parser decides for itself, from a file's first bytes, whether the file is in its format;
// this list only says who is asked first. Specific formats come before general ones (an Alipay
// bill before a generic call-log CSV, both before the plain-document fallback, which accepts
// everything and must stay last).
package formats

import (
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/parse/calllogcsv"
	"github.com/dossier-tool/dossier/dossier/parse/smsbackup"
)

// All returns the parsers in order; the last accepts any file.
func All() []parse.Parser {
	return []parse.Parser{
		smsbackup.Calls,
		smsbackup.Messages,
		calllogcsv.Parser{},
	}
}
