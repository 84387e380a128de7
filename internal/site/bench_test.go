package site

import (
	"fmt"
	"testing"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

// BenchmarkBuild renders the site of 10,000 applications — a mix of
// published betas, partners, applicants and removed integrators — from
// decoded files, as connectbot site does after validation.
func BenchmarkBuild(b *testing.B) {
	const n = 10000
	files := make([]application.File, n)
	for i := range files {
		slug := fmt.Sprintf("synthetic-%05d", i)
		files[i] = app(slug, func(f *application.File) {
			f.App.Integration.Name = fmt.Sprintf("Synthetic %05d", i)
			f.App.Company.Name = fmt.Sprintf("Synthetic Company %05d", i)
			switch i % 10 {
			case 0:
				f.App.Program.Stage = application.StagePartner
				f.App.Program.ApprovedAt = dayPtr("2026-06-01")
				f.App.Program.LaunchDate = dayPtr("2026-07-01")
			case 1:
				f.App.Program.Stage = application.StageApplied
			case 2:
				f.App.Program.Stage = application.StageRemoved
			}
		})
	}
	now := day("2027-01-15")
	cfg := application.Config{ReminderDays: []int{7, 1}, CertificationInstalls: 40, ListingDueDays: 30, InstallWindowDays: 90,
		Scopes: map[string]application.ScopeInfo{"crm.objects.contacts.read": {Description: "Read contacts."}}}
	statuses, plan := program.Decide(program.Input{Files: files, Config: cfg, Now: now})
	in := Input{Files: files, Config: cfg, Statuses: statuses, Plan: plan, Now: now, Stamp: now.Time()}
	b.ResetTimer()
	var size int
	for b.Loop() {
		s, err := Build(in)
		if err != nil {
			b.Fatal(err)
		}
		size = 0
		for _, f := range s.Files {
			size += len(f.Data)
		}
	}
	b.ReportMetric(float64(size)/1e6, "MB/site")
	b.ReportMetric(float64(n)/(b.Elapsed().Seconds()/float64(b.N)), "apps/s")
}
