// Package xlsx renders a case as an Excel workbook that a mediator can sort, filter and check.
//
// The workbook has six sheets, named in the case language with the shared vocabulary: first a
// summary (汇总) a mediator reads before anything else — the parties, the agreement, the period the
// evidence covers, the findings per category and per rule, what was due and what was paid, and links
// to the other sheets — then the timeline (every event), the evidence list (证据目录, with a link to
// each original inside the bag), the findings, the agreement schedule against the payments, and the
// collection side's incoming contacts per local day with a stacked column chart, one series per
// role, over a real date axis.
//
// Design:
//
//   - Every list sheet is written with excelize's StreamWriter, row by row, so a timeline of a
//     million events never exists as cells in memory. The StreamWriter only keeps what was placed on
//     the worksheet before streaming began and what it writes itself, so the auto filter, the
//     conditional format that highlights flagged rows and the summary chart are set on the sheet
//     before its StreamWriter is created, panes and column widths go through the StreamWriter, and
//     links to the originals are HYPERLINK formulas in the streamed cells.
//   - Column widths are computed in a first pass over the same row values that are then streamed,
//     from the text each cell shows: a styled number counts as its number format prints it (a
//     date-time is "yyyy-mm-dd hh:mm:ss", an amount gets its thousands separators) and an East Asian
//     wide rune counts two units, with slack for the fonts Calc and Excel substitute, so no number
//     prints as "###".
//   - excelize draws a column chart over a text axis; the chart part is rewritten to a date axis
//     (c:dateAx, base unit days) over the date cells, so the days are spaced as time and labelled
//     at a readable interval (chart.go).
//   - Times are instants; a timeline cell holds the wall clock of the case time zone as a real date
//     serial with a date-time number format, so Excel sorts and filters it as a date. Durations are
//     day fractions formatted [h]:mm:ss. Amounts are exact fen until the cell boundary, where the
//     two-decimal string is converted to the nearest double — the value Excel itself would store for
//     that typed amount.
//   - Text from the evidence is always a string cell (an inline string), never a formula, so a
//     message like "=HYPERLINK(...)" or "+86 159..." is shown, not run.
//   - The same bundle and report give the same workbook content: document properties take their
//     dates from Bundle.Stamp and nothing reads the clock.
package xlsx
