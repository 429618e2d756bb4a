// Package findings counts collection-rule breaches in a timeline and checks the repayment agreement.
package findings
