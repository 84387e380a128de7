package policy

// ChecklistItem is one sentence of the policies that only a person can
// judge — whether a claim misleads, a name or a logo is someone else's, a
// payment is safe — put to the reviewer as a question before they approve.
type ChecklistItem struct {
	// Clause is the clause's id, as the rules cite clauses: "developer/B3".
	Clause string
	// Source names the document and clause in words.
	Source string
	// Sentence is the policy's own words, quoted verbatim from the seed:
	// every sentence of the clause the question asks about, in order.
	Sentence string
	// Question is what the reviewer checks, in one short question.
	Question string
}

// checklist holds the reviewer's questions in the order of the Developer
// Policy, one per clause; the sentences each asks about are the rows of
// the clause table that name its clause as their checklist item.
var checklist = []struct{ clause, question string }{
	{"developer/A2",
		"Does anything the integration offers let customers get around the platform's terms, the DPA or the Acceptable Use Policy?"},
	{"developer/A3",
		"Does it let customers get around another platform's or service's terms, such as scraping or bulk messaging it forbids?"},
	{"developer/B3",
		"Do the name, tagline, description and linked pages say only what the integration really does, how well, who makes it and what data it uses?"},
	{"developer/C3",
		"Does the integration have customers store sensitive personal information in the platform without needing it for its purpose?"},
	{"developer/C4",
		"Does it encourage customers to switch off or work around their own privacy or security settings?"},
	{"developer/D1",
		"Could it be used to send unsolicited messages to, or to harass, customers or developers?"},
	{"developer/D2",
		"Can one user act or appear as another, or make false representations, through the integration?"},
	{"developer/D3",
		"Is the integration's purpose, or an obvious use of it, against the law?"},
	{"developer/D4",
		"Do the listing, logo, screenshots, video and sales assets use only material the integrator may use?"},
	{"developer/D6",
		"If money moves through the integration, does it go through a secure, approved payment provider?"},
	{"developer/E1",
		"Beyond the name check: do the logo, colours, screenshots and wording follow the platform's brand guidelines?"},
	{"developer/E2",
		"Does anything shown use another company's trademark, copyrighted work or patented design without right?"},
	{"developer/F2",
		"Do the listing text, images and video, and what the integration offers, stay free of vulgar, violent or otherwise inappropriate content?"},
	{"developer/F4",
		"Do the setup instructions match what the integration does when installed — for certification, as the product team's technical review found?"},
}

// Checklist returns the reviewer checklist: the sentences only a person can
// judge, one per clause, each with its question, in the Developer Policy's
// order. It is shown in the pull-request comment of a new application and
// of every stage change.
func Checklist() []ChecklistItem {
	out := make([]ChecklistItem, len(checklist))
	for i, it := range checklist {
		asked := func(c Clause) bool { return c.Checklist == it.clause }
		out[i] = ChecklistItem{Clause: it.clause, Source: sourceOf(it.clause), Sentence: sentencesWhere(asked), Question: it.question}
	}
	return out
}
