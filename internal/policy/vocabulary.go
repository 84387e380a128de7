package policy

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/connectbot/connectbot/internal/application"
)

// claimClass is what a claim word claims.
type claimClass uint8

const (
	classStatus claimClass = iota
	classCertification
	classEndorsement
	classPreference
	classPartnership
)

// namePlace marks where the name stands in an origin, bridge or link
// phrase of program.cue's claimWords.
const namePlace = "{name}"

// vocabulary is program.cue's claimWords and certifiers, every language
// merged and folded, made once per check.
type vocabulary struct {
	claims phraseDict
	// by holds the words that say who made something ("by").
	by phraseDict
	// linkBefore and linkAfter may stand between a claim word and the
	// name, before it ("the") or after it ("の").
	linkBefore, linkAfter phraseDict
	// bridgeBefore and bridgeAfter say what the product works with.
	bridgeBefore, bridgeAfter phraseDict
	// originBefore and originAfter say the name made it; originAround
	// holds the phrases with words on both sides ("由{name}开发").
	originBefore, originAfter phraseDict
	originAround              []aroundPhrase
	terms                     phraseDict
	// edges holds the word of each phrase that would stand next to the
	// name: the last word of a phrase before it, the first of one after
	// it. A name with none of them beside it claims nothing.
	edges              map[string]bool
	certifiers         map[string]bool
	prefixes, suffixes map[string]bool
	// objects holds every noun of program.cue's objectNames, and
	// objectNames the folded nouns of each object.
	objects     phraseDict
	objectNames map[string][]objectName
}

// objectName is one noun naming an object of the platform, folded: a
// word of a spaced script is found by its stem, any other by its letters.
type objectName struct {
	key  string
	stem bool
}

// aroundPhrase is a phrase with words on both sides of the name.
type aroundPhrase struct{ word, before, after string }

// phraseEntry is one configured word or phrase: as written, and its class.
type phraseEntry struct {
	word  string
	class claimClass
}

// phraseDict finds configured phrases by their compact key at a place in a
// sentence, trying each length a phrase has, longest first.
type phraseDict struct {
	byKey map[string]phraseEntry
	lens  []int
	// words is the most tokens a phrase holds.
	words int
}

func (d *phraseDict) add(word string, class claimClass) {
	key := compactOf(word)
	if key == "" {
		return
	}
	if d.byKey == nil {
		d.byKey = map[string]phraseEntry{}
	}
	if _, ok := d.byKey[key]; !ok {
		d.byKey[key] = phraseEntry{word: word, class: class}
	}
	for _, st := range newText(word).sentences {
		d.words = max(d.words, len(st.tokens))
	}
	if !slices.Contains(d.lens, len(key)) {
		d.lens = append(d.lens, len(key))
		slices.SortFunc(d.lens, func(a, b int) int { return cmp.Compare(b, a) })
	}
}

// endingAt returns the phrase that ends at byte q of s and starts where a
// word may, and where it starts.
func (d phraseDict) endingAt(s sentence, q int, prefixes map[string]bool) (phraseEntry, int, bool) {
	if q <= 0 || len(d.lens) == 0 {
		return phraseEntry{}, 0, false
	}
	if k := s.tokenAt(q - 1); s.tokens[k].script == spaced && s.tokens[k].to == q {
		// In a spaced script a phrase is whole tokens: try the last few.
		for n := 0; n < d.words && k-n >= 0; n++ {
			p := s.tokens[k-n].from
			if e, ok := d.byKey[s.compact[p:q]]; ok {
				return e, p, true
			}
		}
		return phraseEntry{}, 0, false
	}
	for _, l := range d.lens {
		p := q - l
		if p < 0 {
			continue
		}
		if e, ok := d.byKey[s.compact[p:q]]; ok && s.startOK(p, prefixes) {
			return e, p, true
		}
	}
	return phraseEntry{}, 0, false
}

// startingAt returns the phrase that starts at byte p of s and ends where
// a word may, and where it ends.
func (d phraseDict) startingAt(s sentence, p int) (phraseEntry, int, bool) {
	if p >= len(s.compact) || len(d.lens) == 0 {
		return phraseEntry{}, 0, false
	}
	if k := s.tokenAt(p); s.tokens[k].script == spaced && s.tokens[k].from == p {
		for n := 0; n < d.words && k+n < len(s.tokens); n++ {
			q := s.tokens[k+n].to
			if e, ok := d.byKey[s.compact[p:q]]; ok {
				return e, q, true
			}
		}
		return phraseEntry{}, 0, false
	}
	for _, l := range d.lens {
		q := p + l
		if q > len(s.compact) {
			continue
		}
		if e, ok := d.byKey[s.compact[p:q]]; ok && s.endOK(q) {
			return e, q, true
		}
	}
	return phraseEntry{}, 0, false
}

func newVocabulary(cfg application.Config) vocabulary {
	v := vocabulary{certifiers: map[string]bool{}, prefixes: map[string]bool{}, suffixes: map[string]bool{}}
	for _, lang := range slices.Sorted(maps.Keys(cfg.ClaimWords)) {
		w := cfg.ClaimWords[lang]
		for class, words := range [][]string{w.Status, w.Certification, w.Endorsement, w.Preference, w.Partnership} {
			for _, word := range words {
				v.claims.add(word, claimClass(class))
			}
		}
		for _, word := range w.By {
			v.by.add(word, 0)
		}
		for _, word := range w.Terms {
			v.terms.add(word, 0)
		}
		for _, word := range w.Link {
			v.addPlaced(word, &v.linkBefore, &v.linkAfter, nil)
		}
		for _, word := range w.Bridge {
			v.addPlaced(word, &v.bridgeBefore, &v.bridgeAfter, nil)
		}
		for _, word := range w.Origin {
			v.addPlaced(word, &v.originBefore, &v.originAfter, &v.originAround)
		}
		for _, p := range w.NamePrefixes {
			v.prefixes[compactOf(p)] = true
		}
		for _, p := range w.NameSuffixes {
			v.suffixes[compactOf(p)] = true
		}
	}
	for _, c := range cfg.Certifiers {
		v.certifiers[compactOf(c)] = true
	}
	v.objectNames = map[string][]objectName{}
	for _, object := range slices.Sorted(maps.Keys(cfg.ObjectNames)) {
		for _, n := range cfg.ObjectNames[object] {
			v.objects.add(n, 0)
			if key := compactOf(n); key != "" {
				v.objectNames[object] = append(v.objectNames[object],
					objectName{key: key, stem: !hasUnspaced(n) && len(words(n)) == 1})
			}
		}
	}
	v.edges = map[string]bool{}
	for _, d := range []phraseDict{v.claims, v.by, v.linkBefore, v.bridgeBefore, v.originBefore} {
		for _, e := range d.byKey {
			if w := newText(e.word).words; len(w) > 0 {
				v.edges[w[len(w)-1]] = true
			}
		}
	}
	for _, d := range []phraseDict{v.claims, v.linkAfter, v.bridgeAfter, v.originAfter} {
		for _, e := range d.byKey {
			if w := newText(e.word).words; len(w) > 0 {
				v.edges[w[0]] = true
			}
		}
	}
	for _, a := range v.originAround {
		b, af, _ := strings.Cut(a.word, namePlace)
		if w := newText(b).words; len(w) > 0 {
			v.edges[w[len(w)-1]] = true
		}
		if w := newText(af).words; len(w) > 0 {
			v.edges[w[0]] = true
		}
	}
	return v
}

// addPlaced files a phrase by where "{name}" stands in it: before the name
// when it has none or ends with it, after the name when it begins with it,
// around it otherwise (kept only when around is given).
func (v *vocabulary) addPlaced(word string, before, after *phraseDict, around *[]aroundPhrase) {
	b, a, placed := strings.Cut(word, namePlace)
	switch {
	case !placed || strings.TrimSpace(a) == "":
		before.add(b, 0)
	case strings.TrimSpace(b) == "":
		after.add(a, 0)
	case around != nil:
		*around = append(*around, aroundPhrase{word: word, before: compactOf(b), after: compactOf(a)})
	}
}
