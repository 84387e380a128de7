package policy_test

import (
	"testing"

	"github.com/connectbot/connectbot/internal/policy"
)

// TestRuleIDConstantsNameRulesOfTheTable checks that every rule-id constant
// the checks cite is a rule of the table, with the clause its name says.
func TestRuleIDConstantsNameRulesOfTheTable(t *testing.T) {
	tests := []struct {
		name, id, want string
	}{
		{"RuleReq1", policy.RuleReq1, "connect/req-1"}, {"RuleReq2", policy.RuleReq2, "connect/req-2"},
		{"RuleReq3", policy.RuleReq3, "connect/req-3"}, {"RuleReq4", policy.RuleReq4, "connect/req-4"},
		{"RuleBeta1", policy.RuleBeta1, "connect/beta-1"}, {"RuleBeta2", policy.RuleBeta2, "connect/beta-2"},
		{"RuleBeta3", policy.RuleBeta3, "connect/beta-3"}, {"RuleBeta4", policy.RuleBeta4, "connect/beta-4"},
		{"RuleBeta5", policy.RuleBeta5, "connect/beta-5"}, {"RuleBeta6", policy.RuleBeta6, "connect/beta-6"},
		{"RuleBeta7", policy.RuleBeta7, "connect/beta-7"}, {"RuleBeta8", policy.RuleBeta8, "connect/beta-8"},
		{"RuleCert1", policy.RuleCert1, "connect/cert-1"}, {"RuleCert2", policy.RuleCert2, "connect/cert-2"},
		{"RuleCert3", policy.RuleCert3, "connect/cert-3"}, {"RuleCert4", policy.RuleCert4, "connect/cert-4"},
		{"RuleCert5", policy.RuleCert5, "connect/cert-5"}, {"RuleCert6", policy.RuleCert6, "connect/cert-6"},
		{"RuleCert7", policy.RuleCert7, "connect/cert-7"},
		{"RuleDeveloperA5", policy.RuleDeveloperA5, "developer/A5"}, {"RuleDeveloperA7", policy.RuleDeveloperA7, "developer/A7"},
		{"RuleDeveloperA9", policy.RuleDeveloperA9, "developer/A9"}, {"RuleDeveloperB1", policy.RuleDeveloperB1, "developer/B1"},
		{"RuleDeveloperB6", policy.RuleDeveloperB6, "developer/B6"}, {"RuleDeveloperC2", policy.RuleDeveloperC2, "developer/C2"},
		{"RuleDeveloperD5", policy.RuleDeveloperD5, "developer/D5"}, {"RuleDeveloperE1", policy.RuleDeveloperE1, "developer/E1"},
		{"RuleDeveloperF2", policy.RuleDeveloperF2, "developer/F2"}, {"RuleDeveloperF3", policy.RuleDeveloperF3, "developer/F3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.id != tt.want {
				t.Errorf("%s = %q, want %q", tt.name, tt.id, tt.want)
			}
			if _, ok := policy.Lookup(tt.id); !ok {
				t.Errorf("%s = %q is not a rule of the table", tt.name, tt.id)
			}
		})
	}
}
