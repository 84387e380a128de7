package program_test

import (
	"fmt"
	"testing"

	"github.com/connectbot/connectbot/internal/application"
	"github.com/connectbot/connectbot/internal/program"
)

// BenchmarkDecide decides a program of 10,000 decoded applications spread
// over every stage and clock: statuses, deadlines and the plan.
func BenchmarkDecide(b *testing.B) {
	const n = 10000
	cfg := application.Config{MinInstalls: 10, CertificationInstalls: 40, ListingDueDays: 30,
		InstallWindowDays: 90, SupportResponseHours: 24, ReminderDays: []int{7, 1}, ReminderCatchUpDays: 2}
	base, _ := application.ParseDate("2026-06-01")
	now, _ := application.ParseDate("2026-11-25")
	files := make([]application.File, n)
	for i := range files {
		accepted := base.AddDays(i % 180)
		published := accepted.AddDays(10)
		app := &application.Application{Program: application.ProgramState{
			Stage:    []application.Stage{"applied", "beta", "beta", "beta", "certification", "partner", "removed"}[i%7],
			Installs: application.Installs{Count: i % 60, AsOf: now.AddDays(-(i % 20))},
		}}
		if app.Program.Stage != "applied" {
			app.Program.AcceptedAt = &accepted
		}
		if i%3 != 0 {
			app.Program.ListingPublishedAt = &published
			app.Listing = &application.Listing{Tagline: "t", Description: "d", SetupInstructionsURL: "https://x.example", SupportURL: "https://x.example"}
		}
		if app.Program.Stage == "certification" {
			approved, launch := accepted.AddDays(60), accepted.AddDays(90)
			app.Program.ApprovedAt, app.Program.LaunchDate = &approved, &launch
		}
		files[i] = application.File{Path: fmt.Sprintf("applications/app-%05d.cue", i), Slug: fmt.Sprintf("app-%05d", i), App: app}
	}
	in := program.Input{Files: files, Config: cfg, Now: now}
	b.ReportAllocs()
	var actions int
	for b.Loop() {
		_, plan := program.Decide(in)
		actions = len(plan.Actions)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/app")
	b.ReportMetric(float64(actions), "actions")
}
