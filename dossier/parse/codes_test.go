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
	sites, summaries := 0, 0
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
			if plainSummary(n) {
				t.Errorf("%s: a summary in plain text cannot be shown in the case language; use parse.Summarize with a code", fset.Position(n.Pos()))
			}
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
			if name == "Summarize" && (pkg == "parse" || pkg == "") && !strings.HasSuffix(fset.Position(call.Pos()).Filename, "parse.go") {
				summaries++
				lit, ok := call.Args[0].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Errorf("%s: a summary code must be written at its call, so this test can check it", fset.Position(call.Pos()))
					return true
				}
				if code, _ := strconv.Unquote(lit.Value); !vocab.Has("summary." + code) {
					t.Errorf("%s: summary code %q is not worded in package vocab", fset.Position(lit.Pos()), code)
				}
				return true
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
	if summaries < 30 {
		t.Errorf("only %d summary sites found; the walk misses some", summaries)
	}
}

// plainSummary reports a summary given as text: `x.Summary = "..."`, `Summary: fmt.Sprintf(...)`
// and the like.
func plainSummary(n ast.Node) bool {
	var value ast.Expr
	switch n := n.(type) {
	case *ast.AssignStmt:
		if len(n.Lhs) != len(n.Rhs) {
			return false
		}
		for i, l := range n.Lhs {
			if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == "Summary" {
				value = n.Rhs[i]
			}
		}
	case *ast.KeyValueExpr:
		if id, ok := n.Key.(*ast.Ident); ok && id.Name == "Summary" {
			value = n.Value
		}
	}
	switch v := value.(type) {
	case *ast.BasicLit:
		return v.Kind == token.STRING
	case *ast.BinaryExpr:
		return true
	case *ast.CallExpr:
		if sel, ok := v.Fun.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && (id.Name == "fmt" || id.Name == "strconv" || id.Name == "strings") {
				return true
			}
		}
	}
	return false
}
