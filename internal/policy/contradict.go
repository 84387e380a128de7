package policy

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/rivo/uniseg"
	"golang.org/x/text/unicode/norm"

	"github.com/connectbot/connectbot/internal/application"
)

// saidMatchers hold the program's phrases that, in what an integrator
// writes, contradict what the file declares (Config.Contradictions) or
// justify nothing (Config.WeakReasons), folded once per check.
type saidMatchers struct {
	weak, credentials, builders, sensitive, response phrases
	// vulgar are the program's vulgar words, for maskedVulgar.
	vulgar vulgarKeys
	// any holds the phrases of the four lists of contradictions, so that
	// a text none of them is in is read once.
	any phrases
	// duration finds a number and a unit of time in plainText: the
	// number, the end of a range ("2-3 days"), the unit.
	duration *regexp.Regexp
	// hours is how many hours each unit, as plainText writes it, is.
	hours map[string]int
	// numbers is the number each spelled-out number word, as plainText
	// writes it, says.
	numbers map[string]float64
}

func newSaidMatchers(cfg application.Config) *saidMatchers {
	k := cfg.Contradictions
	var clitics []string
	for _, w := range cfg.ClaimWords {
		clitics = append(clitics, w.NamePrefixes...)
	}
	m := &saidMatchers{
		weak: newPhrases(cfg.WeakReasons, clitics), credentials: newPhrases(k.Credentials, clitics),
		builders: newPhrases(k.OutsideBuilders, clitics), sensitive: newPhrases(k.SensitiveData, clitics),
		response: newPhrases(k.ResponseWords, clitics), hours: map[string]int{}, numbers: map[string]float64{},
		vulgar: newVulgarKeys(cfg.VulgarTerms),
		any:    newPhrases(slices.Concat(k.Credentials, k.OutsideBuilders, k.SensitiveData, k.ResponseWords), clitics),
	}
	for _, u := range []struct {
		units []string
		hours int
	}{{k.HourUnits, 1}, {k.DayUnits, 24}, {k.WeekUnits, 7 * 24}} {
		for _, w := range u.units {
			if p := plainText(w); p != "" {
				m.hours[p] = u.hours
			}
		}
	}
	for i, words := range k.NumberWords {
		for _, w := range words {
			if p := plainText(w); p != "" {
				m.numbers[p] = float64(i + 1)
			}
		}
	}
	m.duration = durationPattern(m.hours, m.numbers)
	return m
}

// durationPattern matches a number, in digits or one of the number words
// as a whole word ("two"), perhaps a range, and one of the units: a unit
// in a spaced script as a whole word ("48 hours", "2 Werktagen"), one in
// an unspaced script anywhere after the number ("3営業日以内"). Longer
// units come first, so "business days" is read whole.
func durationPattern(hours map[string]int, numbers map[string]float64) *regexp.Regexp {
	var spaced, unspaced []string
	for u := range hours {
		if hasUnspaced(u) {
			unspaced = append(unspaced, regexp.QuoteMeta(u))
		} else {
			spaced = append(spaced, regexp.QuoteMeta(u))
		}
	}
	if len(spaced)+len(unspaced) == 0 {
		return nil
	}
	byLength := func(s []string) {
		sort.Slice(s, func(i, j int) bool { return len(s[i]) > len(s[j]) || len(s[i]) == len(s[j]) && s[i] < s[j] })
	}
	byLength(spaced)
	byLength(unspaced)
	var alts []string
	if len(spaced) > 0 {
		alts = append(alts, `(`+strings.Join(spaced, "|")+`)(?:[^\pL\pN]|$)`)
	}
	if len(unspaced) > 0 {
		alts = append(alts, `(`+strings.Join(unspaced, "|")+`)`)
	}
	number := `(\d+(?:[.,]\d+)?)`
	if len(numbers) > 0 {
		words := make([]string, 0, len(numbers))
		for w := range numbers {
			words = append(words, regexp.QuoteMeta(w))
		}
		byLength(words)
		number = `(\d+(?:[.,]\d+)?|\b(?:` + strings.Join(words, "|") + `)\b)`
	}
	return regexp.MustCompile(`(?:^|[^\pN.,])` + number + `(?:\s*(?:-|–|~|〜|to|bis|a|à|até)\s*` + number + `)?[\s-]*(?:` + strings.Join(alts, "|") + `)`)
}

// perWeek follows a unit of a working week, not of a wait: "7 days a
// week", "24 hours / 7", "5 Tage die Woche", "7 jours sur 7", "7 дней в
// неделю", "٧ أيام في الأسبوع".
var perWeek = regexp.MustCompile(`^\s*(?:a|per|/|pro|die|par|por|a la|por|na|sur|в|في|در)?\s*(?:week|woche|semaine|semana|неделю|الأسبوع|الاسبوع|هفته|7\b|sept\b)`)

// plainText is s as the duration pattern reads it: compatibility forms
// and fullwidth digits made plain (NFKC), the decimal digits of every
// script ASCII ("٣", "۴۸", "४८"), accents dropped, lower case.
func plainText(s string) string {
	s = norm.NFKC.String(strings.Map(plainLetter, norm.NFD.String(strings.Map(dropIgnorable, s))))
	return strings.TrimSpace(strings.ToLower(strings.Map(asciiDigit, s)))
}

// asciiDigit maps a decimal digit of any script to its ASCII digit, which
// NFKC leaves alone for Arabic-Indic, Persian, Devanagari and the other
// native digits: Unicode writes each script's digits zero to nine one
// after another, so a digit's value is its distance from the start of
// its range, modulo ten.
func asciiDigit(r rune) rune {
	if r < 0x80 || !unicode.IsDigit(r) {
		return r
	}
	for _, rg := range unicode.Nd.R16 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return '0' + (r-rune(rg.Lo))%10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return '0' + (r-rune(rg.Lo))%10
		}
	}
	return r
}

// saidText is one text an integrator writes about the integration, with
// its sentences, split and folded when a rule first needs them.
type saidText struct {
	path, what, value string
	folded            text
	said              []saidSentence
}

// sentences returns the sentences of the text (as newText split them on
// UAX #29 boundaries), each as a text of its own.
func (st *saidText) sentences() []saidSentence {
	if st.said == nil {
		for _, s := range st.folded.sentences {
			t := text{sentences: []sentence{s}}
			for _, tk := range s.tokens {
				t.words = append(t.words, s.compact[tk.from:tk.to])
			}
			st.said = append(st.said, saidSentence{s.raw, t})
		}
	}
	return st.said
}

// asWritten returns the sentence of value that newText read as raw (its
// normalised form), as the integrator wrote it, accents and all; raw
// itself when none matches.
func asWritten(value, raw string) string {
	if isASCII(value) {
		return raw
	}
	state := -1
	for value != "" {
		var s string
		s, value, state = uniseg.FirstSentenceInString(value, state)
		if strings.TrimSpace(normalise(s)) == raw {
			return strings.TrimSpace(s)
		}
	}
	return raw
}

// saidSentence is one sentence of an integrator's text, as written
// (normalised) and folded.
type saidSentence struct {
	value  string
	folded text
}

// saidTexts are the texts the contradiction rules read: the tagline and
// the description (folded once, with the name's rules) and every scope's
// reason.
func (c *checker) saidTexts() []*saidText {
	out := make([]*saidText, 0, 2+len(c.app.Integration.Scopes))
	for _, lt := range c.listingTexts() {
		if !lt.name {
			out = append(out, &saidText{path: lt.path, what: lt.what, value: lt.value, folded: lt.folded})
		}
	}
	for i, s := range c.app.Integration.Scopes {
		if strings.TrimSpace(s.Reason) != "" {
			out = append(out, &saidText{path: application.IndexPath("integration.scopes", i) + ".reason",
				what: "reason for " + strconv.Quote(s.Name), value: s.Reason, folded: c.reasonText(i)})
		}
	}
	return out
}

// contradictions flags text that says the opposite of a field the file
// declares — only a person can tell whether it does ("no API key needed"
// names one too) — each a warning that names the field, quotes the words
// and the sentence they stand in, and cites the field's rule: a
// credential other than OAuth while integration.auth is "oauth2"
// (Connect req-2), someone else building it while builtInHouse is true
// (Connect req-1), card numbers or passwords while privacy.sensitiveData
// is false (Developer C2), and a response time beyond
// support.firstResponseHours (Connect req-3).
func (c *checker) contradictions() {
	a := c.app
	for _, st := range c.saidTexts() {
		if len(found(st.folded, c.said.any)) == 0 {
			continue
		}
		if a.Integration.Auth == "oauth2" {
			c.contradicts(RuleReq2, st, c.phrasesIn(c.said.credentials), "integration.auth", `"oauth2"`,
				"credentials other than OAuth 2.0")
		}
		if a.Integration.BuiltInHouse {
			c.contradicts(RuleReq1, st, c.phrasesIn(c.said.builders), "integration.builtInHouse", "true",
				"someone other than your own team building the integration")
		}
		if a.Privacy.SensitiveData != nil && !*a.Privacy.SensitiveData {
			c.contradicts(RuleDeveloperC2, st, c.phrasesIn(c.said.sensitive), "privacy.sensitiveData", "false",
				"card numbers or passwords")
		}
		if h := a.Support.FirstResponseHours; h != nil {
			c.contradicts(RuleReq3, st, c.slowResponses(*h), "support.firstResponseHours", strconv.Itoa(*h),
				"a response time longer than the "+strconv.Itoa(*h)+" hours promised")
		}
	}
}

// phrasesIn returns a finder of the phrases of ps in a folded text.
func (c *checker) phrasesIn(ps phrases) func(text, string) []string {
	return func(t text, _ string) []string { return found(t, ps) }
}

// contradicts flags st when find finds words in it, quoting the words and
// the first sentence that has them. The whole text is read first; only a
// text with words found is read sentence by sentence.
func (c *checker) contradicts(rule string, st *saidText, find func(text, string) []string, field, value, what string) {
	if len(find(st.folded, st.value)) == 0 {
		return
	}
	var words []string
	first := ""
	for _, s := range st.sentences() {
		for _, w := range find(s.folded, s.value) {
			if !slices.Contains(words, w) {
				words = append(words, w)
			}
			if first == "" {
				first = asWritten(st.value, s.value)
			}
		}
	}
	if len(words) == 0 {
		return
	}
	c.flagf(rule, st.path, "the %s mentions %s (%s, in %q) while %s is %s: a reviewer will check which is true, and the file must say what the integration does",
		st.what, what, quoteAll(words), first, field, value)
}

// slowResponses returns a finder of the durations, as plainText writes
// them, that a text gives as a response time and that are longer than
// promised hours: a number and a unit with a response word ("we respond
// within 3 business days", "Antwort innerhalb von 2 Werktagen",
// "3営業日以内に返信"), which contradicts judges sentence by sentence. A
// range counts by its end.
func (c *checker) slowResponses(promised int) func(text, string) []string {
	return func(t text, value string) []string {
		if c.said.duration == nil || len(found(t, c.said.response)) == 0 {
			return nil
		}
		var out []string
		plain := plainText(value)
		for _, m := range c.said.duration.FindAllStringSubmatchIndex(plain, -1) {
			unit := submatch(plain, m, 3)
			if unit == "" {
				unit = submatch(plain, m, 4)
			}
			n := submatch(plain, m, 2)
			if n == "" {
				n = submatch(plain, m, 1)
			}
			if perWeek.MatchString(plain[unitEnd(m):]) || c.roundTheClock(plain[unitEnd(m):]) || c.qualifiesOther(plain, m) {
				continue
			}
			v, err := c.said.number(n)
			if err != nil || v*float64(c.said.hours[unit]) <= float64(promised) || yearRound(v, c.said.hours[unit]) {
				continue
			}
			out = append(out, strings.TrimSpace(plain[m[2]:unitEnd(m)]))
		}
		return out
	}
}

// number is the number n says, in digits ("2", "1,5") or a number word.
func (m *saidMatchers) number(n string) (float64, error) {
	if v, ok := m.numbers[n]; ok {
		return v, nil
	}
	return strconv.ParseFloat(strings.ReplaceAll(n, ",", "."), 64)
}

// yearRound reports whether v units of hours each are the days of a
// year: the days support is open ("365 days a year", "an 365 Tagen im
// Jahr", "年中無休・365日"), in any language, never a wait.
func yearRound(v float64, hours int) bool {
	return hours == 24 && (v == 365 || v == 366)
}

// roundTheClock reports whether rest, what follows a duration, begins
// with 24 hours: the days before it are days of 24 hours of service
// ("7天24小时", "주 7일 24시간", "7 days, 24 hours"), not a wait.
func (c *checker) roundTheClock(rest string) bool {
	m := c.said.duration.FindStringSubmatchIndex(rest)
	if m == nil || strings.TrimLeft(rest[:m[2]], " ,，、") != "" || submatch(rest, m, 1) != "24" {
		return false
	}
	unit := submatch(rest, m, 3)
	if unit == "" {
		unit = submatch(rest, m, 4)
	}
	return c.said.hours[unit] == 1
}

// qualifiesOther reports whether a duration match of plain is written as
// one word before a noun ("a 14-day free trial", "30-Tage-Rückgaberecht"),
// or joined to the noun by Japanese の ("30日間の無料トライアル"), that is
// not a response word: it is how long that thing lasts, not a wait for an
// answer ("a 48-hour response", "48-Stunden-Antwort", "48時間の返信" are).
func (c *checker) qualifiesOther(plain string, m []int) bool {
	numberEnd, unitStart := m[3], m[6]
	if m[4] >= 0 {
		numberEnd = m[5]
	}
	if unitStart < 0 {
		unitStart = m[8]
	}
	if noun, ok := strings.CutPrefix(strings.TrimPrefix(plain[unitEnd(m):], "間"), "の"); ok && noun != "" {
		return !c.said.response.begin(noun)
	}
	next := strings.TrimLeft(plain[unitEnd(m):], " -")
	if plain[numberEnd:unitStart] != "-" || next == "" || len(next) == len(plain[unitEnd(m):]) {
		return false
	}
	word, _, _ := strings.Cut(next, " ")
	return len(found(newText(word), c.said.response)) == 0
}

// submatch returns group i of a match, or "".
func submatch(s string, m []int, i int) string {
	if m[2*i] < 0 {
		return ""
	}
	return s[m[2*i]:m[2*i+1]]
}

// unitEnd is where the unit of a duration match ends.
func unitEnd(m []int) int {
	for _, g := range []int{3, 4} {
		if m[2*g] >= 0 {
			return m[2*g+1]
		}
	}
	return m[1]
}
