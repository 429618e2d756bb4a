package findings_test

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/dossier-tool/dossier/dossier/caseconf"
	"github.com/dossier-tool/dossier/dossier/event"
	"github.com/dossier-tool/dossier/dossier/findings"
)

func ExampleEvaluate() {
	c, err := caseconf.Parse(strings.NewReader(`language: en
timezone: Asia/Shanghai
contacts:
  - {number: "+86 159 0000 1111", name: collector, role: collector}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	var timeline []event.Event
	for i, hm := range [][2]int{{21, 59}, {22, 0}, {23, 30}} {
		timeline = append(timeline, event.Event{
			Time:    time.Date(2025, 1, 27, hm[0], hm[1], 0, 0, shanghai),
			Channel: event.Call, Direction: event.In, Status: event.StatusMissed,
			Counterpart: "15900001111", Exhibit: 1, Seq: i + 1,
		})
	}
	r := findings.Evaluate(c, timeline, time.Date(2025, 4, 15, 0, 0, 0, 0, shanghai))
	for _, f := range r.Findings {
		fmt.Println(f.ID, f.Message)
	}
	// Output:
	// night-contact-1 Missed call from 15900001111 (collector) at 2025-01-27 22:00:00, within the quiet hours 22:00–08:00
	// night-contact-2 Missed call from 15900001111 (collector) at 2025-01-27 23:30:00, within the quiet hours 22:00–08:00
}

func ExampleWriteText() {
	c, _ := caseconf.Parse(strings.NewReader("language: en\nagreement: {date: 2025-01-29, installments: {count: 2, amount: \"1000.00\", first_due: 2025-02-10}}\npayments: [{date: 2025-02-10, amount: \"1500.00\"}]\nas_of: 2025-03-15\n"))
	r := findings.Evaluate(c, nil, time.Now())
	if err := findings.WriteText(os.Stdout, r, c); err != nil {
		fmt.Println(err)
	}
	// Output:
	// Findings (as of 2025-03-15, time zone Asia/Shanghai): rule breaches: 0; inconsistent with the agreement: 0; performance of the agreement: 1
	//
	//   Rule breaches                    night-contact        Contact at night                            0
	//   Rule breaches                    unanswered-attempts  Too many unanswered calls in a day          0
	//   Rule breaches                    connected-calls      Too many connected calls in a day           0
	//   Rule breaches                    third-party-contact  Collection through family or third parties  0
	//   Rule breaches                    prohibited-conduct   Prohibited collection conduct               0
	//   Inconsistent with the agreement  after-agreement      Collection after the repayment agreement    0
	//   Performance of the agreement     missed-installment   Installment not covered by its due date     1
	//
	// == Performance of the agreement ==
	//
	// Installment not covered by its due date (1)
	// Source: the repayment agreement (2025-01-29)
	//   [missed-installment-1] Installment 2 (1000.00 due 2025-03-10): 500.00 paid by the due date, 500.00 still to pay as of 2025-03-15
	//       exhibits -; events -
	//
	// Agreement schedule and payments
	//   #  due         amount   paid     paid by due  paid in full  status        exhibits
	//   1  2025-02-10  1000.00  1000.00  1000.00      2025-02-10    paid on time  case.yaml
	//   2  2025-03-10  1000.00  500.00   500.00       -             partly paid   case.yaml
}
