// Package formats lists the parsers ingest tries, in order of precedence.
//
// Each parser decides for itself, from a file's first bytes, whether the file is in its format;
// this list only says who is asked first. Specific formats come before general ones (the bills
// and chat exports before the generic call-log CSV, all before the plain-document fallback,
// which accepts everything and must stay last).
package formats

import (
	"github.com/dossier-tool/dossier/dossier/parse"
	"github.com/dossier-tool/dossier/dossier/parse/alipay"
	"github.com/dossier-tool/dossier/dossier/parse/calllogcsv"
	"github.com/dossier-tool/dossier/dossier/parse/document"
	"github.com/dossier-tool/dossier/dossier/parse/eml"
	"github.com/dossier-tool/dossier/dossier/parse/image"
	"github.com/dossier-tool/dossier/dossier/parse/pdfdoc"
	"github.com/dossier-tool/dossier/dossier/parse/rararchive"
	"github.com/dossier-tool/dossier/dossier/parse/recording"
	"github.com/dossier-tool/dossier/dossier/parse/sevenz"
	"github.com/dossier-tool/dossier/dossier/parse/smsbackup"
	"github.com/dossier-tool/dossier/dossier/parse/vmessage"
	"github.com/dossier-tool/dossier/dossier/parse/wechatchat"
	"github.com/dossier-tool/dossier/dossier/parse/wechathtml"
	"github.com/dossier-tool/dossier/dossier/parse/wechatpay"
	"github.com/dossier-tool/dossier/dossier/parse/ziparchive"
)

// All returns the parsers in order; the last accepts any file.
func All() []parse.Parser {
	return []parse.Parser{
		smsbackup.Calls,
		smsbackup.Messages,
		smsbackup.ColorOSCalls,
		eml.Parser{},
		pdfdoc.Parser{},
		image.Parser{},
		recording.Parser{},
		alipay.Parser{},
		wechatpay.Parser{},
		wechatchat.CSV{},
		wechatchat.MemoTraceCSV{},
		wechathtml.Parser{},
		vmessage.Parser{},
		wechatchat.TXT{},
		calllogcsv.Parser{},
		ziparchive.Parser{},
		sevenz.Parser{},
		rararchive.Parser{},
		document.Parser{},
	}
}
