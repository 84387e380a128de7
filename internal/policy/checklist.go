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

// checklist holds the reviewer's items in the order of the Developer
// Policy, one per clause.
var checklist = []ChecklistItem{
	{"developer/A2", developerPolicy + ", A. Data Protection 2",
		"You will not create Applications and/or Integrations which enable Customers to circumvent or violate the HubSpot Terms of Service, Developer Terms, Customer Data Processing Agreement (DPA), and/or AUP.",
		"Does anything the integration offers let customers get around the platform's terms, the DPA or the Acceptable Use Policy?"},
	{"developer/A3", developerPolicy + ", A. Data Protection 3",
		"You will not create Applications and/or Integrations which enable Customers to circumvent or violate the terms or policies of other platforms, applications, integrations, or any entity that has a relationship with the Customer.",
		"Does it let customers get around another platform's or service's terms, such as scraping or bulk messaging it forbids?"},
	{"developer/B3", developerPolicy + ", B. Security 3",
		"You will not make any misleading and/or deceptive statements about your Application functionality, performance, origin, or data use.",
		"Do the name, tagline, description and linked pages say only what the integration really does, how well, who makes it and what data it uses?"},
	{"developer/C3", developerPolicy + ", C. Using Customer Data 3",
		"Unless such information is necessary as part of your Application and/or Integration\u2019s legitimate function and purpose, and You will not enable Customer to store or process such information through the HubSpot Platform.",
		"Does the integration have customers store sensitive personal information in the platform without needing it for its purpose?"},
	{"developer/C4", developerPolicy + ", C. Using Customer Data 4",
		"You will not create Applications and/or Integrations that encourage or allow Customers to circumvent or interfere with their own data privacy and security policies in a negative way.",
		"Does it encourage customers to switch off or work around their own privacy or security settings?"},
	{"developer/D1", developerPolicy + ", D. Compliance with Laws 1",
		"Spamming, harassing, stalking, intimidating, or threatening Customers or other Developers.",
		"Could it be used to send unsolicited messages to, or to harass, customers or developers?"},
	{"developer/D2", developerPolicy + ", D. Compliance with Laws 2",
		"Allowing impersonation of Users or otherwise allowing for false representations within your Application and/or Integration.",
		"Can one user act or appear as another, or make false representations, through the integration?"},
	{"developer/D3", developerPolicy + ", D. Compliance with Laws 3",
		"Facilitating violations of the law.",
		"Is the integration's purpose, or an obvious use of it, against the law?"},
	{"developer/D4", developerPolicy + ", D. Compliance with Laws 4",
		"Infringing on anyone else's intellectual property rights (including HubSpot\u2019s).",
		"Do the listing, logo, screenshots, video and sales assets use only material the integrator may use?"},
	{"developer/D6", developerPolicy + ", D. Compliance with Laws 6",
		"Allowing or facilitating financial transactions conducted in an insecure and unapproved manner.",
		"If money moves through the integration, does it go through a secure, approved payment provider?"},
	{"developer/E1", developerPolicy + ", E. Design 1",
		"Your Application should not violate the\u00a0HubSpot brand guidelines.",
		"Beyond the name check: do the logo, colours, screenshots and wording follow the platform's brand guidelines?"},
	{"developer/E2", developerPolicy + ", E. Design 2",
		"Your Application should not violate any third party\u2019s trademark, copyright, or patent.",
		"Does anything shown use another company's trademark, copyrighted work or patented design without right?"},
	{"developer/F2", developerPolicy + ", F. User Experience 2",
		"Your Application and/or Integration should not use vulgar or obscene language or images. Likewise, your Application or Integration should not contain or offer content that is violent, pornographic, extreme, or that a reasonable person would consider inappropriate.",
		"Do the listing text, images and video, and what the integration offers, stay free of vulgar, violent or otherwise inappropriate content?"},
	{"developer/F4", developerPolicy + ", F. User Experience 4",
		"Your Application and/or Integration must operate and function in accordance with the documentation you make available to Customer.",
		"Do the setup instructions match what the integration does when installed — for certification, as the product team's technical review found?"},
}

// Checklist returns the reviewer checklist: the sentences only a person can
// judge, one per clause, each with its question, in the Developer Policy's
// order. It is shown in the pull-request comment of a new application and
// of every stage change.
func Checklist() []ChecklistItem {
	return append([]ChecklistItem(nil), checklist...)
}
