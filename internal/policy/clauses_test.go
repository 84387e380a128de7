package policy_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/golden"
	"github.com/connectbot/connectbot/internal/policy"
)

// normativeRE finds the words that make a sentence a duty, a right or a
// consequence: must, will, should, may not, require(d/s), reserve the
// right, prohibit, expect, ask that, need to, encourage, may result in, and
// any number or deadline ("30 days", "ninety day period", "24 hr").
var normativeRE = regexp.MustCompile(`(?i)\b(must|will|should|may not|required?|requires|reserve the right|prohibit|expect|ask that|need to|encourage|may result in|ninety|\d+)\b`)

// normative reports whether a sentence of a seed must have a row: it has a
// normative word, or it is an item of a list (every list of the seeds is
// introduced by a duty, so "Spamming, harassing, …" is one).
func normative(s seedSentence) bool { return s.Listed || normativeRE.MatchString(s.Text) }

func TestNormativeWords(t *testing.T) {
	tests := []struct {
		sentence string
		want     bool
	}{
		{"You must build your integration in house.", true},
		{"We will build the listing page and add it to our integrations directory.", true},
		{"Your Application should not violate the HubSpot brand guidelines.", true},
		{"This policy may not cover every type of Application or Integration.", true},
		{"Developers are required to comply with this HubSpot Developer Policy.", true},
		{"We reserve the right to terminate your participation in the Connect Program at any time.", true},
		{"As such we prohibit you or your Application and/or Integration from:", true},
		{"We expect the following of our ecosystem developers:", true},
		{"We also ask that you submit assets for Sales enablement", true},
		{"At the end of ninety day period if you are not at 40 Installs your participation will be terminated.", true},
		{"Violations of this policy may result in removal from our marketplace.", true},
		{"Here are the requirements for applying and the certification guidelines.", false},
		{"Thank you for choosing to develop on the HubSpot platform.", false},
		{"Please note that we may periodically audit Applications and Integrations.", false},
	}
	for _, tt := range tests {
		t.Run(tt.sentence, func(t *testing.T) {
			if got := normative(seedSentence{Text: tt.sentence}); got != tt.want {
				t.Errorf("normative = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"two sentences with a space", "You must offer support. Ticketed support is acceptable.",
			[]string{"You must offer support.", "Ticketed support is acceptable."}},
		{"a sentence run into the next without a space", "content a reasonable person would consider inappropriate.You should provide appropriate customer assistance.",
			[]string{"content a reasonable person would consider inappropriate.", "You should provide appropriate customer assistance."}},
		{"a no-break space between sentences", "from our Developers. \u00a0We expect that you will comply.",
			[]string{"from our Developers.", "We expect that you will comply."}},
		{"a parenthesis after a full stop stays with its sentence", "an official HubSpot Connect Partner. (Outlined below.)",
			[]string{"an official HubSpot Connect Partner. (Outlined below.)"}},
		{"a question ends a sentence", "Looking to join HubSpot Connect? Here are the requirements.",
			[]string{"Looking to join HubSpot Connect?", "Here are the requirements."}},
		{"a sentence without a full stop", "We also ask that you submit assets for Sales enablement",
			[]string{"We also ask that you submit assets for Sales enablement"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, splitSentences(tt.in)); diff != "" {
				t.Errorf("sentences mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// seedSentences reads both seeds; seedOf maps a layout to its Clause.Seed.
func seedSentences(t *testing.T) map[string][]seedSentence {
	t.Helper()
	out := map[string][]seedSentence{}
	for _, l := range seedLayouts {
		ss, err := readSeed(l)
		if err != nil {
			t.Fatal(err)
		}
		out[l.path[strings.LastIndex(l.path, "/")+1:]] = ss
	}
	return out
}

// rowKey identifies a row by its seed, clause and sentence.
type rowKey struct{ seed, clause, sentence string }

// TestEveryNormativeSentenceHasARow splits the seeds into sentences and
// requires a row of the clause table for each normative one, under the
// clause the seed puts it in.
func TestEveryNormativeSentenceHasARow(t *testing.T) {
	rows := map[rowKey]bool{}
	for _, c := range policy.Clauses() {
		rows[rowKey{c.Seed, c.ID, c.Sentence}] = true
	}
	for seed, ss := range seedSentences(t) {
		for _, s := range ss {
			if !normative(s) {
				continue
			}
			t.Run(s.Clause+": "+s.Text, func(t *testing.T) {
				if !rows[rowKey{seed, s.Clause, s.Text}] {
					t.Errorf("no row of policy.Clauses() for %s %s: %q", seed, s.Clause, s.Text)
				}
			})
		}
	}
}

// TestEveryRowIsASentenceOfItsClause holds each row to the seed: its
// sentence is one sentence of the clause it names, verbatim, and no
// sentence has two rows.
func TestEveryRowIsASentenceOfItsClause(t *testing.T) {
	seen := map[rowKey]bool{}
	for seed, ss := range seedSentences(t) {
		for _, s := range ss {
			seen[rowKey{seed, s.Clause, s.Text}] = false
		}
	}
	for _, c := range policy.Clauses() {
		t.Run(c.ID+": "+c.Sentence, func(t *testing.T) {
			k := rowKey{c.Seed, c.ID, c.Sentence}
			done, ok := seen[k]
			switch {
			case !ok:
				t.Errorf("%s %s: not a sentence of that clause in the seed: %q", c.Seed, c.ID, c.Sentence)
			case done:
				t.Errorf("%s %s: the sentence has two rows: %q", c.Seed, c.ID, c.Sentence)
			}
			seen[k] = true
		})
	}
}

// TestRowsHandleTheirSentence checks how each row says it is handled: at
// least one way, out of scope only alone and with its reason, clocks and
// reasons from the known lists, and every rule cited existing and quoting
// (Rule.Quotes) a sentence of the row's own clause.
func TestRowsHandleTheirSentence(t *testing.T) {
	clauseText := map[string]string{}
	for _, ss := range seedSentences(t) {
		for _, s := range ss {
			clauseText[s.Clause] = strings.TrimSpace(clauseText[s.Clause] + " " + s.Text)
		}
	}
	clocks := []string{policy.ClockAcceptance, policy.ClockListingInfo, policy.ClockInstallWindow,
		policy.ClockPromotion, policy.ClockLaunch, policy.ClockTermination}
	outs := []string{policy.OutAgreement, policy.OutRuntime, policy.OutPlatform, policy.OutIntroduction, policy.OutNotADuty}
	for _, c := range policy.Clauses() {
		t.Run(c.ID+": "+c.Sentence, func(t *testing.T) {
			handled := len(c.Rules) > 0 || c.Clock != "" || c.Attestation != "" || c.Checklist != ""
			switch {
			case !handled && c.Out == "":
				t.Error("the row says neither how the sentence is handled nor why it is out of scope")
			case handled && c.Out != "":
				t.Errorf("the row is handled and out of scope (%s) at once", c.Out)
			case c.Out != "" && c.Why == "":
				t.Errorf("out of scope (%s) without a reason", c.Out)
			}
			if c.Out != "" && !slices.Contains(outs, c.Out) {
				t.Errorf("unknown reason %q for being out of scope", c.Out)
			}
			if c.Clock != "" && !slices.Contains(clocks, c.Clock) {
				t.Errorf("unknown clock %q", c.Clock)
			}
			if c.Attestation != "" && !strings.HasPrefix(c.Attestation, "attestations.") {
				t.Errorf("attestation %q is not a field of attestations", c.Attestation)
			}
			for _, id := range c.Rules {
				r, ok := policy.Lookup(id)
				if !ok {
					t.Errorf("rule %q does not exist", id)
					continue
				}
				if !quotesClause(r, c.ID, clauseText[c.ID]) {
					t.Errorf("rule %q quotes no sentence of %s: %q", id, c.ID, r.Sentence)
				}
			}
		})
	}
}

func quotesClause(r policy.Rule, clause, text string) bool {
	for _, q := range r.Quotes() {
		if q.Clause == clause && strings.Contains(text, q.Sentence) {
			return true
		}
	}
	return false
}

// TestEveryRuleIsCited requires each policy rule, and each sentence it
// quotes, to be cited by a row of the quoted clause. A rule the engine
// enforces over time (Rule.Clock) may instead have a row of its clause
// handled by a clock, when no check of the file names it. Format rules
// are connectbot's own and have no clause.
func TestEveryRuleIsCited(t *testing.T) {
	cited := map[[2]string]bool{} // rule id, clause
	clocked := map[string]bool{}  // clause
	for _, c := range policy.Clauses() {
		for _, id := range c.Rules {
			cited[[2]string{id, c.ID}] = true
		}
		if c.Clock != "" {
			clocked[c.ID] = true
		}
	}
	for _, r := range policy.Rules() {
		for _, q := range r.Quotes() {
			if q.Clause == "" {
				continue
			}
			t.Run(r.ID+" quoting "+q.Clause, func(t *testing.T) {
				switch {
				case cited[[2]string{r.ID, q.Clause}]:
				case r.Clock && clocked[q.Clause]:
				case r.Clock:
					t.Errorf("no row of %s cites rule %s or a clock, and the rule quotes it: %q", q.Clause, r.ID, q.Sentence)
				default:
					t.Errorf("no row of %s cites rule %s, which quotes it: %q", q.Clause, r.ID, q.Sentence)
				}
			})
		}
	}
}

// TestClauseCounts keeps the counts per handling in a golden file, so a
// change to the table shows as a change of the numbers the docs quote.
// Run with -update to rewrite it.
func TestClauseCounts(t *testing.T) {
	got, err := json.MarshalIndent(policy.CountHandling(policy.Clauses()), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden.Check(t, "testdata/clause-counts.golden", got)
}
