package caseconf

import (
	"strings"
	"testing"
)

func TestContactBookAnswersAsContact(t *testing.T) {
	c, err := Parse(strings.NewReader(`contacts:
  - {number: "010-8888-6666", name: 某资产北京, role: collector}
  - {wechat: wxid_abc123, name: 催收小王, role: collector}
  - {email: Legal@Example.com, name: 律所, role: collector}
  - {number: "95188", name: 支付宝客服, role: creditor}
  - {wechat: 李四, name: 李四, role: other}
`))
	if err != nil {
		t.Fatal(err)
	}
	book := c.ContactBook()
	for _, cp := range []string{"+86 10 8888 6666", "01088886666", "wxid_abc123", "legal@example.com", "95188",
		"+86 95188", "李四", "催收小王", "13800001111", "", "95188"} {
		t.Run(cp, func(t *testing.T) {
			want, wok := c.Contact(cp)
			got, ok := book.Contact(cp)
			if got != want || ok != wok {
				t.Fatalf("book: %+v, %v; Contact: %+v, %v", got, ok, want, wok)
			}
		})
	}
	// The book keeps the contacts it was made with.
	c.Contacts[0].Role = "other"
	if ct, _ := book.Contact("01088886666"); ct.Role != "collector" {
		t.Fatalf("book changed with the case: %+v", ct)
	}
}
