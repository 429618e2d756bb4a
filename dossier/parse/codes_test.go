package parse_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dossier-tool/dossier/dossier/vocab"
)

// codeArg is, for each function that makes a warning or a coded error, the position of its
// code among the arguments: package parse's own and the parsers' small wrappers around them.
var codeArg = map[string]int{
	"Warn": 1, "warn": 1, "warnf": 1, "lineWarn": 1,
	"Errorf": 0, "tooLarge": 0, "unreadable": 0, "addNote": 0,
}

// Every warning a parser or ingest can emit is worded in both languages: each code written at
// a call site in the library is defined in package vocab, and no English format is left.
func TestEveryEmittedCodeIsWorded(t *testing.T) {
	fset := token.NewFileSet()
	sites := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "internal" && strings.HasSuffix(filepath.Dir(path), "ocr")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			name, pkg := "", ""
			switch fn := call.Fun.(type) {
			case *ast.Ident:
				name = fn.Name
			case *ast.SelectorExpr:
				name = fn.Sel.Name
				if id, ok := fn.X.(*ast.Ident); ok {
					pkg = id.Name
				}
			}
			if name == "Warnf" && pkg == "parse" {
				t.Errorf("%s: parse.Warnf leaves the warning in English; give it a code", fset.Position(call.Pos()))
			}
			i, ok := codeArg[name]
			if !ok || pkg == "fmt" || pkg == "errors" || name == "Errorf" && pkg != "parse" && pkg != "" || len(call.Args) <= i {
				return true
			}
			lit, ok := call.Args[i].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			code, _ := strconv.Unquote(lit.Value)
			sites++
			if !vocab.Has("warn." + code) {
				t.Errorf("%s: warning code %q is not worded in package vocab", fset.Position(lit.Pos()), code)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if sites < 150 {
		t.Errorf("only %d warning sites found; the walk misses some", sites)
	}
}
