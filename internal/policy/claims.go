package policy

import "strings"

// claimFound is how a text claims a name's status, endorsement,
// partnership or authorship, if it does.
type claimFound struct {
	found bool
	// begins is true for an integration's name that begins with the name.
	begins bool
	// sure is false for a claim only a person can judge: a claim word
	// other than official status across a bridge word.
	sure bool
	// origin is true for a phrase saying the name made the integration.
	origin bool
	class  claimClass
	// how is the words that make the claim, as configured ("official",
	// "developed by", "'s", "certified … for").
	how string
	// sentence is the sentence that makes it, as written.
	sentence string
	// from and to are where the claim word stands in the sentence's
	// compact form, for a claim word next to the name.
	from, to int
}

// nearWords is how many words across a bridge word the claim rules read:
// enough for "official two-way contact sync for HubSpot".
const nearWords = 6

// maxLinks is how many link words may stand between a claim word and the
// name before it ("endorsed by the HubSpot team").
const maxLinks = 2

// claim says how lt claims the term, sentence by sentence: the first
// certain claim, else the first claim a person must judge, else none.
// partner exempts claims of partnership (and official partnership).
func (v vocabulary) claim(lt listingText, term nameTerm, partner bool) claimFound {
	var unsure claimFound
	for si, s := range lt.folded.sentences {
		for _, o := range s.find(term.compact) {
			end, possessive, ok := v.nameAt(s, o)
			if !ok {
				continue
			}
			if lt.name && si == 0 && o.from == 0 {
				return claimFound{found: true, begins: true, sure: true}
			}
			f := v.claimAt(s, o.from, end, possessive, lt)
			if !f.found || (partner && v.partnership(s, o.from, end, f)) {
				continue
			}
			f.sentence = s.raw
			if f.sure {
				return f
			}
			if !unsure.found {
				unsure = f
			}
		}
	}
	return unsure
}

// nameAt says whether an occurrence of a name is the name as a reader
// reads it: it starts a word (or follows a configured prefix, or stands
// in an unspaced script) and ends one, or ends in a configured suffix,
// written on it or after an apostrophe ("HubSpot's", "HubSpots",
// "HubSpot'un"). It returns where the name with its suffix ends, and
// whether there is one.
func (v vocabulary) nameAt(s sentence, o occurrence) (end int, suffixed, ok bool) {
	if !s.startOK(o.from, v.prefixes) {
		return 0, false, false
	}
	if s.endOK(o.to) {
		if k := s.tokenAt(o.to); k < len(s.tokens) && s.tokens[k].elided && s.tokens[k].from == o.to &&
			v.suffixes[s.compact[o.to:s.tokens[k].to]] {
			return s.tokens[k].to, true, true
		}
		return o.to, false, true
	}
	if rest := s.rest(o.to); v.suffixes[rest] {
		return o.to + len(rest), true, true
	}
	return 0, false, false
}

// claimAt reads the words around a name at compact[from:to] for a claim.
func (v vocabulary) claimAt(s sentence, from, to int, possessive bool, lt listingText) claimFound {
	if v.quiet(s, from, to) && !(possessive && lt.name) {
		return claimFound{}
	}
	for _, a := range v.originAround {
		if strings.HasSuffix(s.compact[:from], a.before) && s.startOK(from-len(a.before), nil) &&
			strings.HasPrefix(s.compact[to:], a.after) && s.endOK(to+len(a.after)) {
			return claimFound{found: true, sure: true, origin: true, how: a.word}
		}
	}
	if f := v.before(s, from, to, lt); f.found {
		return f
	}
	if possessive && lt.name {
		return claimFound{found: true, sure: true, how: "'s"}
	}
	f := v.after(s, to)
	if f.found && f.from == to && f.to > to && !lt.name && v.termAround(s, from, f.from, f.to) {
		return claimFound{}
	}
	return f
}

// termAround reports whether the words right before a name at
// compact[from:x] and the claim word right after it at compact[x:q] are
// one of the configured terms, written around the name: "持有HubSpot认证"
// (holding a HubSpot certification, "持有认证") names the holder's
// certificate, not the integration's.
func (v vocabulary) termAround(s sentence, from, x, q int) bool {
	word := s.compact[x:q]
	for _, l := range v.terms.lens {
		p := from - (l - len(word))
		if p < from && p >= 0 && s.startOK(p, nil) {
			if _, ok := v.terms.byKey[s.compact[p:from]+word]; ok {
				return true
			}
		}
	}
	return false
}

// quiet reports whether no claim can start beside the name at
// compact[from:to]: the words on both sides are whole words of a spaced
// script and none of them is a word a phrase has next to the name. Most
// names in most texts are quiet, and are not read further.
func (v vocabulary) quiet(s sentence, from, to int) bool {
	if from > 0 {
		tk := s.tokens[s.tokenAt(from-1)]
		if tk.to != from || tk.script != spaced || v.edges[s.compact[tk.from:tk.to]] {
			return false
		}
	}
	if to < len(s.compact) {
		tk := s.tokens[s.tokenAt(to)]
		if tk.from != to || tk.script != spaced || v.edges[s.compact[tk.from:tk.to]] {
			return false
		}
	}
	return true
}

// before reads the words before a name that ends at to, nearest first: a
// claim word or a phrase of origin, past up to maxLinks link words
// ("certified by the HubSpot team", "developed by Globex"), a "by" in a
// name or tagline, or a bridge word with a claim word before it
// ("Official sync for HubSpot"). A claim word right before the name that
// qualifies one of the platform's objects after it claims nothing
// ("approved HubSpot quotes"), except in the integration's own name, which
// it would qualify.
func (v vocabulary) before(s sentence, x, to int, lt listingText) claimFound {
	for links := 0; ; links++ {
		if x < len(s.compact) && s.tokens[s.tokenAt(x)].pause && s.tokens[s.tokenAt(x)].from == x {
			return claimFound{}
		}
		if e, _, ok := v.originBefore.endingAt(s, x, nil); ok {
			return claimFound{found: true, sure: true, origin: true, how: e.word}
		}
		if e, p, ok := v.claims.endingAt(s, x, nil); ok && !v.masked(s, p, x, e.class) {
			if links == 0 && !lt.name && (v.qualifiesObject(s, to, e.class) || v.termAcross(s, p, x, to)) {
				return claimFound{}
			}
			return claimFound{found: true, sure: true, class: e.class, how: e.word, from: p, to: x}
		}
		if e, _, ok := v.by.endingAt(s, x, nil); ok && lt.short {
			return claimFound{found: true, sure: true, origin: true, how: e.word}
		}
		if _, p, ok := v.bridgeBefore.endingAt(s, x, nil); ok && links < maxLinks {
			return v.acrossBefore(s, p)
		}
		_, p, ok := v.linkBefore.endingAt(s, x, nil)
		if !ok || links == maxLinks {
			return claimFound{}
		}
		x = p
	}
}

// qualifiesObject reports whether a claim word of class right before a
// name, which ends at to, qualifies one of the platform's objects
// (program.cue's objectNames) named right after it ("approved HubSpot
// quotes", "genehmigte HubSpot-Angebote"): a claim of certification,
// endorsement or preference may; official status and partnership are
// the name's own ("official HubSpot contacts sync").
func (v vocabulary) qualifiesObject(s sentence, to int, class claimClass) bool {
	if class == classStatus || class == classPartnership || to >= len(s.compact) {
		return false
	}
	if tk := s.tokens[s.tokenAt(to)]; tk.pause && tk.from == to {
		return false
	}
	_, _, ok := v.objects.startingAt(s, to)
	return ok
}

// termAcross reports whether the claim word at compact[p:from], right
// before a name at compact[from:to], and the words right after the name
// are one of the configured terms, written around the name: "the official
// HubSpot API", "die offizielle HubSpot-API" ("official API" with the
// name inside) name the platform's own thing, not the integration.
func (v vocabulary) termAcross(s sentence, p, from, to int) bool {
	if to >= len(s.compact) {
		return false
	}
	if tk := s.tokens[s.tokenAt(to)]; tk.pause && tk.from == to {
		return false
	}
	word := s.compact[p:from]
	for _, l := range v.terms.lens {
		q := to + l - len(word)
		if q > to && q <= len(s.compact) && s.endOK(q) {
			if _, ok := v.terms.byKey[word+s.compact[to:q]]; ok {
				return true
			}
		}
	}
	return false
}

// acrossBefore reads up to nearWords words before a bridge word that
// starts at x for a claim word: official status is certain ("Official
// sync for HubSpot"); any other may be another's ("the certified
// connector for Globex") and is for a reviewer.
func (v vocabulary) acrossBefore(s sentence, x int) claimFound {
	for n := 0; n < nearWords && x > 0; n++ {
		if e, p, ok := v.claims.endingAt(s, x, nil); ok && !v.masked(s, p, x, e.class) {
			return across(e)
		}
		x = s.tokens[s.tokenAt(x-1)].from
	}
	return claimFound{}
}

// after reads the words after a name, nearest first: a claim word straight
// after it or past a link word ("HubSpot-certified", "HubSpotの公式"), a
// phrase of origin ("HubSpot製"), or a bridge word with a claim word after
// it ("HubSpot用の公式アプリ").
func (v vocabulary) after(s sentence, x int) claimFound {
	for links := 0; links <= 1 && x < len(s.compact); links++ {
		if tk := s.tokens[s.tokenAt(x)]; tk.pause && tk.from == x {
			break
		}
		if e, _, ok := v.originAfter.startingAt(s, x); ok {
			return claimFound{found: true, sure: true, origin: true, how: e.word}
		}
		if e, q, ok := v.claims.startingAt(s, x); ok && !v.masked(s, x, q, e.class) {
			return claimFound{found: true, sure: true, class: e.class, how: e.word, from: x, to: q}
		}
		if _, q, ok := v.bridgeAfter.startingAt(s, x); ok {
			return v.acrossAfter(s, q)
		}
		_, q, ok := v.linkAfter.startingAt(s, x)
		if !ok {
			break
		}
		x = q
	}
	return claimFound{}
}

// acrossAfter is acrossBefore for a bridge word after the name, ending at x.
func (v vocabulary) acrossAfter(s sentence, x int) claimFound {
	for n := 0; n < nearWords && x < len(s.compact); n++ {
		if e, q, ok := v.claims.startingAt(s, x); ok && !v.masked(s, x, q, e.class) {
			return across(e)
		}
		x = s.tokens[s.tokenAt(x)].to
	}
	return claimFound{}
}

// across is the claim of a claim word across a bridge word.
func across(e phraseEntry) claimFound {
	return claimFound{found: true, sure: e.class == classStatus, class: e.class, how: e.word + " … for"}
}

// masked reports whether the claim word at compact[from:to] claims
// nothing: it is part of a legal or industry term, or, for a claim of
// certification or endorsement, it stands next to a certifier or a
// number ("ISO 27001 certified", "certifié ISO 27001").
func (v vocabulary) masked(s sentence, from, to int, class claimClass) bool {
	certifies := class == classCertification || class == classEndorsement
	return v.inTerm(s, from, to) || (certifies && v.nextToCertifier(s, from, to))
}

// inTerm reports whether compact[from:to] lies inside one of the
// configured terms.
func (v vocabulary) inTerm(s sentence, from, to int) bool {
	if len(v.terms.lens) == 0 {
		return false
	}
	longest := v.terms.lens[0]
	for k := s.tokenAt(from); k >= 0 && s.tokens[k].from >= to-longest; k-- {
		p := max(s.tokens[k].from, 0)
		for _, l := range v.terms.lens {
			if q := p + l; q >= to && q <= len(s.compact) && s.endOK(q) {
				if _, ok := v.terms.byKey[s.compact[p:q]]; ok {
					return true
				}
			}
		}
		if s.tokens[k].script == unspaced {
			// A term in an unspaced script may start inside its token.
			for p := s.tokens[k].from + 1; p <= from && p < s.tokens[k].to; p++ {
				for _, l := range v.terms.lens {
					if q := p + l; q >= to && q <= len(s.compact) {
						if _, ok := v.terms.byKey[s.compact[p:q]]; ok {
							return true
						}
					}
				}
			}
		}
	}
	return false
}

// nextToCertifier reports whether the token just before compact[from:to]
// names a certifier or is a number, or the token just after it does, or
// the one after that names a certifier ("certified to ISO 27001"). A
// number's key is ASCII: a word of another script whose skeleton holds a
// digit (Cyrillic "З" folds to "3") is a word.
func (v vocabulary) nextToCertifier(s sentence, from, to int) bool {
	is := func(k int, number bool) bool {
		if k < 0 || k >= len(s.tokens) {
			return false
		}
		w := s.compact[s.tokens[k].from:s.tokens[k].to]
		return v.certifiers[w] || (number && strings.ContainsAny(w, "0123456789") && isASCII(w))
	}
	next := s.tokenAt(to)
	if next < len(s.tokens) && s.tokens[next].from < to {
		next++
	}
	return (from > 0 && is(s.tokenAt(from-1), true)) || is(next, true) || is(next+1, false)
}

// partnership reports whether a claim found around a name is a partner's
// own: a word of partnership, or official status next to one or next to
// a name followed by one ("offizieller HubSpot-Partner", "partenaire
// officiel de HubSpot").
func (v vocabulary) partnership(s sentence, from, to int, f claimFound) bool {
	if f.origin || !f.sure {
		return false
	}
	if f.class == classPartnership {
		return true
	}
	if f.class != classStatus {
		return false
	}
	isPartner := func(e phraseEntry, _ int, ok bool) bool { return ok && e.class == classPartnership }
	after := v.after(s, to)
	return (after.found && after.class == classPartnership) ||
		isPartner(v.claims.endingAt(s, f.from, nil)) || isPartner(v.claims.startingAt(s, f.to))
}
