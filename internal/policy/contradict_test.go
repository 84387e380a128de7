package policy_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/connectbot/connectbot/internal/application"
)

// contradictionConfig is testConfig with the schema's default phrases:
// the vocabulary the cases are judged by is schema/'s, not a copy.
func contradictionConfig() application.Config {
	cfg := testConfig()
	cfg.Contradictions = defaults().Contradictions
	return cfg
}

func TestContradictionsAreFlagged(t *testing.T) {
	desc := func(s string) func(*application.Application) {
		return func(a *application.Application) { a.Listing.Description = s }
	}
	tagline := func(s string) func(*application.Application) {
		return func(a *application.Application) { a.Listing.Tagline = s }
	}
	reason := func(s string) func(*application.Application) {
		return func(a *application.Application) { a.Integration.Scopes[0].Reason = s }
	}
	tests := []struct {
		name   string
		mutate func(*application.Application)
		want   []result
	}{
		{name: "a description that says what the integration does passes",
			mutate: desc("Keeps contacts in step between Acme and the CRM. We reply to every ticket within 4 hours.")},
		{name: "an API key beside OAuth is flagged on the description",
			mutate: desc("Connect in seconds: paste your API key into Acme's settings."),
			want:   []result{flagged("connect/req-2", "listing.description")}},
		{name: "a username and password in the tagline is flagged",
			mutate: tagline("Sync with your username and password"),
			want: []result{flagged("connect/req-2", "listing.tagline"),
				flagged("developer/C2", "listing.tagline")}},
		{name: "basic auth in a scope's reason is flagged",
			mutate: reason("Reads contacts over basic auth for the nightly export."),
			want:   []result{flagged("connect/req-2", "integration.scopes[0].reason")}},
		{name: "an API key in German is flagged",
			mutate: desc("Geben Sie Ihren API-Schlüssel in den Einstellungen ein."),
			want:   []result{flagged("connect/req-2", "listing.description")}},
		{name: "an API key in French is flagged",
			mutate: desc("Collez votre clé API dans Acme."),
			want:   []result{flagged("connect/req-2", "listing.description")}},
		{name: "an API key in Japanese is flagged",
			mutate: desc("設定画面でAPIキーを入力してください。"),
			want:   []result{flagged("connect/req-2", "listing.description")}},
		{name: "an API key is not flagged when the file does not declare OAuth (the auth rule refuses it)",
			mutate: func(a *application.Application) {
				a.Integration.Auth = "api-key"
				a.Listing.Description = "Paste your API key."
			},
			want: []result{failing("connect/req-2", "integration.auth")}},
		{name: "a partner agency building it is flagged while builtInHouse is true",
			mutate: desc("Acme Sync was built by our partner agency Brightlane Digital."),
			want:   []result{flagged("connect/req-1", "listing.description")}},
		{name: "an external vendor developing it is flagged",
			mutate: desc("Developed by an external vendor for Acme."),
			want:   []result{flagged("connect/req-1", "listing.description")}},
		{name: "an outside builder in German, French, Spanish, Portuguese and Japanese is flagged",
			mutate: desc("Entwickelt von einer externen Agentur. Conçu par notre agence partenaire. Hecho por un proveedor externo. Feito pela agência parceira. 外部委託で開発。"),
			want:   []result{flagged("connect/req-1", "listing.description")}},
		{name: "a private app access token beside OAuth is flagged",
			mutate: desc("You can also connect with a private app access token if OAuth is blocked in your portal."),
			want:   []result{flagged("connect/req-2", "listing.description")}},
		{name: "development entrusted to another company in Japanese is flagged",
			mutate: desc("本アプリの開発は株式会社ソフトファクトリーに委託しています。"),
			want:   []result{flagged("connect/req-1", "listing.description")}},
		{name: "card numbers in a German plural compound are flagged",
			mutate: desc("Für Vorkasse speichert Lagerbote die Kreditkartennummern Ihrer Kunden am Kontakt."),
			want:   []result{flagged("developer/C2", "listing.description")}},
		{name: "a password in Arabic with the conjunction written onto it is flagged",
			mutate: desc("لربط حسابكم نطلب اسم المستخدم وكلمة المرور الخاصة ببوابة التأمينات الاجتماعية."),
			want:   []result{flagged("developer/C2", "listing.description")}},
		{name: "card numbers are flagged while sensitiveData is false",
			mutate: desc("Acme stores each customer's card number for faster checkout."),
			want:   []result{flagged("developer/C2", "listing.description")}},
		{name: "passwords in Portuguese and card numbers in Japanese are flagged",
			mutate: desc("Guardamos a senha do cliente. カード番号を保存します。"),
			want:   []result{flagged("developer/C2", "listing.description")}},
		{name: "card numbers are not flagged when the file declares sensitive data (C2 refuses it)",
			mutate: func(a *application.Application) {
				a.Privacy.SensitiveData = new(true)
				a.Listing.Description = "Stores card numbers."
			},
			want: []result{failing("developer/C2", "privacy.sensitiveData")}},
		{name: "a response time in days beyond a 24-hour promise is flagged",
			mutate: desc("Our team will respond within 3 business days."),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "a response time in hours beyond the promise is flagged",
			mutate: desc("Expect a reply in 36-48 hours."),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "a response time in German days is flagged",
			mutate: desc("Antwort innerhalb von 2 Werktagen."),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "a response time in German with a verb of answering is flagged",
			mutate: desc("Support-Anfragen beantworten wir innerhalb von 3 Werktagen."),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "a response time in French weeks is flagged",
			mutate: desc("Une réponse sous 2 semaines."),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "a response time in Spanish days is flagged",
			mutate: desc("Tiempo de respuesta: 3 días."),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "a response time in Japanese business days, in fullwidth digits, is flagged",
			mutate: desc("お問い合わせには３営業日以内に返信します。"),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "a response within the promise passes",
			mutate: desc("We respond within 24 hours, and within 1 day at weekends.")},
		{name: "a trial in days in a sentence without a response word passes",
			mutate: desc("Start a 30-day free trial. We respond to every ticket the same day.")},
		{name: "a support schedule of seven days a week passes",
			mutate: desc("We respond 24 hours a day, 7 days a week.")},
		{name: "a year of days said round a response time passes",
			mutate: desc("We answer every ticket within 4 hours, 365 days a year.")},
		{name: "a year of days in German after a response time passes",
			mutate: desc("Wir antworten innerhalb von 24 Stunden, an 365 Tagen im Jahr.")},
		{name: "a year of days in Portuguese before a response time passes",
			mutate: desc("Atendimento 365 dias por ano: respondemos em até 4 horas.")},
		{name: "a year of days in Japanese before a response time passes",
			mutate: desc("年中無休・365日受付、お問い合わせには24時間以内に回答します。")},
		{name: "a trial in days written as one word before its noun, beside a response time, passes",
			mutate: desc("Includes a 14-day free trial, and our support team replies within 4 hours.")},
		{name: "a guarantee in days written as one word before its noun, beside a response time, passes",
			mutate: desc("Every plan comes with a 30-day money-back guarantee, and we answer tickets within 8 hours.")},
		{name: "a Japanese trial of 30 days before its noun, beside a response time, passes",
			mutate: desc("30日間の無料トライアル付きで、お問い合わせには4時間以内に回答します。")},
		{name: "a Japanese response time of 48 hours joined to the reply by の is flagged",
			mutate: desc("サポートは48時間の返信保証付きです。"),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "a response time written as one word before the response is flagged",
			mutate: desc("Every ticket gets a 48-hour response."),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "a German response time written as one compound is flagged",
			mutate: desc("Wir garantieren eine 48-Stunden-Antwort auf jedes Ticket."),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "a response time in business days spelled out in English is flagged",
			mutate: desc("Support tickets get a reply within two business days."),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "a response time in German days spelled out is flagged",
			mutate: desc("Antwort innerhalb von zwei Werktagen."),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "a response time of one week in French is flagged",
			mutate: desc("Nous apportons une réponse sous une semaine."),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "a response time in Spanish days spelled out is flagged",
			mutate: desc("Damos respuesta en un plazo de tres días hábiles."),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "a response time in Brazilian business days spelled out is flagged",
			mutate: desc("Respondemos em até dois dias úteis."),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "a response within one business day spelled out passes",
			mutate: desc("We reply within one business day, often within two hours.")},
		{name: "a French support schedule of seven days out of seven passes",
			mutate: desc("Nous répondons en moins de 4 heures, 7 jours sur 7.")},
		{name: "a German support schedule of seven days a week spelled out passes",
			mutate: desc("Wir antworten sieben Tage die Woche innerhalb von 4 Stunden.")},
		{name: "a response time in Chinese working days is flagged",
			mutate: desc("工单将在3个工作日内回复。"),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "a response time in traditional Chinese hours is flagged",
			mutate: desc("我們會在48小時內回覆您的來信。"),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "a response time in Korean business days is flagged",
			mutate: desc("문의는 영업일 기준 3일 이내에 답변드립니다."),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "a Chinese response within the promise passes",
			mutate: desc("工单24小时内回复，紧急问题1小时内响应。")},
		{name: "a Chinese schedule of 7 days and 24 hours passes",
			mutate: desc("提供7天24小时在线服务，工单2小时内回复。")},
		{name: "a Korean schedule of 7 days and 24 hours passes",
			mutate: desc("주 7일 24시간 운영하며 모든 문의에 1시간 이내 답변드립니다.")},
		{name: "a response time in Turkish business days is flagged",
			mutate: desc("Destek taleplerine 3 iş günü içinde yanıt veriyoruz."),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "a Turkish response time in hours beyond the promise is flagged",
			mutate: desc("Tüm sorularınızı 48 saat içinde cevaplıyoruz."),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "a Turkish response within the promise, seven days of the week, passes",
			mutate: desc("Haftanın 7 günü destek veriyoruz ve taleplere 4 saat içinde yanıt veriyoruz.")},
		{name: "a response time in Arabic-Indic digits and Arabic working days is flagged",
			mutate: desc("نرد على جميع الاستفسارات خلال ٣ أيام عمل."),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "an Arabic response time in hours beyond the promise is flagged",
			mutate: desc("يتم الرد على التذاكر خلال 48 ساعة."),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "an Arabic response within the promise, in Arabic-Indic digits, passes",
			mutate: desc("نرد على جميع الاستفسارات خلال ٤ ساعات، ٧ أيام في الأسبوع.")},
		{name: "a response time in Persian digits and Persian hours is flagged",
			mutate: desc("به همه درخواست‌ها ظرف ۴۸ ساعت پاسخ می‌دهیم."),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "a Persian response within the promise passes",
			mutate: desc("به همه درخواست‌ها ظرف ۲ ساعت پاسخ می‌دهیم.")},
		{name: "a response time in Russian working days is flagged",
			mutate: desc("Мы отвечаем на обращения в течение 3 рабочих дней."),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "a Russian response within the promise, seven days a week, passes",
			mutate: desc("Отвечаем на обращения в течение 2 часов, 7 дней в неделю.")},
		{name: "a year of hours is a response time and is flagged",
			mutate: desc("We reply within 365 hours."),
			want:   []result{flagged("connect/req-3", "listing.description")}},
		{name: "ordinary words that share letters with a phrase pass",
			mutate: desc("Our passionate team makes cardboard-simple sync; no agency involved.")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := validApp()
			tt.mutate(&app)
			got := findings(contradictionConfig(), app)
			sortResults(got)
			want := append([]result(nil), tt.want...)
			sortResults(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}
