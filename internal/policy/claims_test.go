package policy_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/connectbot/connectbot/internal/application"
)

// claimCase is one text of a listing judged by the naming rules
// (developer/E1 for the platform, developer/D5 for a protected company).
type claimCase struct {
	name string
	// in is where the text goes: "name", "tagline" or "description".
	in, text string
	// want is "error", "warning" or "" (passes).
	want string
	// rule is the rule expected; "" means developer/E1.
	rule string
	// partner checks the text as a partner's.
	partner bool
	// added are languages the program adds to the defaults' claim words,
	// as program.cue may.
	added map[string]application.ClaimWords
}

// turkish is the claim words a program serving Turkish applicants adds
// (as the corpus's program.cue does): the possessive and genitive endings
// of a name among them.
var turkish = map[string]application.ClaimWords{"tr": {
	Status:       []string{"resmi"},
	Endorsement:  []string{"onaylı", "onaylanmış"},
	Partnership:  []string{"iş ortağı", "iş ortağıdır", "ortağı", "ortağıdır", "partneri"},
	Bridge:       []string{"{name} için", "ile"},
	Terms:        []string{"resmi API"},
	NameSuffixes: []string{"un", "ın", "in", "ün", "nun", "nın"},
}}

// claimTables are the claim cases per language: claims that must fail
// and legitimate phrases that must pass (legal terms, standards, "for
// <platform>" in the language's word order). Protected names are those of
// the repository's program.cue: Globex, Initech, Umbrella Corp.
var claimTables = map[string][]claimCase{
	"en": {
		{name: "a description saying it is for HubSpot passes", in: "description", text: "Acme Sync for HubSpot keeps contacts in step, both ways."},
		{name: "an approved document type is a legal term and passes", in: "description", text: "Every approved document type is filed to HubSpot."},
		{name: "a certified translation is a legal term and passes", in: "description", text: "Orders certified translations of HubSpot emails from sworn translators."},
		{name: "ISO 27001 certified names its own certifier and passes", in: "tagline", text: "ISO 27001 certified contact sync for HubSpot"},
		{name: "an officially registered company says nothing about the platform and passes", in: "description", text: "Acme is an officially registered company in Ireland and builds the sync for HubSpot."},
		{name: "a claim word in the next sentence passes", in: "description", text: "Syncs deals with HubSpot. Approved by our works council in 2024."},
		{name: "a claim word after a comma starts another phrase and passes", in: "description", text: "Keeps deals in step with HubSpot, approved by our works council."},
		{name: "a claim word in brackets after the name qualifies it: HubSpot (official) Sync is an error", in: "tagline", text: "The HubSpot (official) contact sync", want: "error"},
		{name: "a HubSpot Solutions Partner is an error for a beta", in: "description", text: "Our team: HubSpot Solutions Partner since 2019.", want: "error"},
		{name: "a HubSpot Solutions Partner is fine for a partner", in: "description", text: "Our team: HubSpot Solutions Partner since 2019.", partner: true},
		{name: "Official: HubSpot Sync, a colon between, is an error", in: "name", text: "Official: HubSpot Sync", want: "error"},
		{name: "a company whose name begins with Globex's letters passes", in: "description", text: "Built by Globexa Logistics Ltd for its own warehouses.", rule: "developer/D5"},
		{name: "a company whose name begins with Initech's letters passes", in: "name", text: "Initechno Sync for HubSpot", rule: "developer/D5"},
		{name: "consultants holding HubSpot certifications are no claim about the integration and pass", in: "description", text: "Setup is done by our HubSpot certified consultants in Dublin."},
		{name: "HubSpot's official documentation is a reference and passes", in: "description", text: "Setup follows HubSpot's official documentation for private apps."},
		{name: "approved HubSpot quotes are quotes that passed approval and pass", in: "description", text: "Quoteflow turns approved HubSpot quotes into proforma invoices."},
		{name: "recommended HubSpot deals are deals and pass", in: "description", text: "Shows the recommended HubSpot deals for each rep's week."},
		{name: "an integration named for approved HubSpot quotes claims approval in its name and is an error", in: "name", text: "Approved HubSpot Quotes to Proforma", want: "error"},
		{name: "an approved HubSpot app is an error", in: "description", text: "Acme Sync is an approved HubSpot app.", want: "error"},
		{name: "an approved HubSpot partner is an error for a beta", in: "description", text: "Acme is an approved HubSpot partner.", want: "error"},
		{name: "official HubSpot contacts claim official status and are an error", in: "tagline", text: "The official HubSpot contacts sync", want: "error"},
		{name: "the official HubSpot partner is an error for a beta", in: "description", text: "Acme is an official HubSpot partner.", want: "error"},
		{name: "a HubSpot Partner is an error for a beta", in: "tagline", text: "Contact sync from a HubSpot Partner", want: "error"},
		{name: "a HubSpot Partner is fine for a partner", in: "tagline", text: "Contact sync from a HubSpot Partner", partner: true},
		{name: "HubSpot recommended is an error", in: "tagline", text: "The HubSpot-recommended contact sync", want: "error"},
		{name: "recommended by HubSpot is an error", in: "description", text: "Acme Sync is recommended by HubSpot for teams that sell.", want: "error"},
		{name: "developed by Globex is an error", in: "description", text: "Acme Sync was developed by Globex for its customers.", want: "error", rule: "developer/D5"},
		{name: "a product of Umbrella Corp is an error", in: "description", text: "Acme Sync is a product of Umbrella Corp.", want: "error", rule: "developer/D5"},
		{name: "Globex's possessive in a name is an error", in: "name", text: "Contacts: Globex's Sync", want: "error", rule: "developer/D5"},
		{name: "a Globex partner is for the reviewer", in: "description", text: "Acme is a Globex partner since 2019.", want: "warning", rule: "developer/D5"},
		{name: "the platform's Japanese name with official in English is an error", in: "name", text: "Official ハブスポット Sync", want: "error"},
		{name: "the official HubSpot API is the platform's API and passes", in: "description", text: "Acme Sync uses only the official HubSpot API, over OAuth 2.0."},
		{name: "an integration named for the official HubSpot API claims official status and is an error", in: "name", text: "Official HubSpot API Sync", want: "error"},
	},
	"de": {
		{name: "für HubSpot passes", in: "tagline", text: "Kontaktsynchronisation für HubSpot"},
		{name: "a certified translation in German passes", in: "description", text: "Beglaubigte Übersetzung Ihrer Angebote aus HubSpot, erstellt von vereidigten Übersetzern."},
		{name: "zertifiziert nach ISO 27001 passes", in: "description", text: "Unser Rechenzentrum ist nach ISO 27001 zertifiziert und synchronisiert mit HubSpot."},
		{name: "ISO-27001-zertifiziert before für HubSpot passes", in: "tagline", text: "ISO-27001-zertifizierte Synchronisation für HubSpot"},
		{name: "offizieller HubSpot-Partner is an error for a beta", in: "description", text: "Die Acme GmbH ist offizieller HubSpot-Partner.", want: "error"},
		{name: "offizieller HubSpot-Partner is fine for a partner", in: "description", text: "Die Acme GmbH ist offizieller HubSpot-Partner.", partner: true},
		{name: "the genitive HubSpots offizielle is an error", in: "tagline", text: "HubSpots offizielle Kontaktsynchronisation", want: "error"},
		{name: "von HubSpot zertifiziert is an error", in: "description", text: "Die Synchronisation ist von HubSpot zertifiziert.", want: "error"},
		{name: "von HubSpot empfohlen is an error", in: "tagline", text: "Von HubSpot empfohlen: Acme Sync", want: "error"},
		{name: "entwickelt von Globex is an error", in: "description", text: "Acme Sync wurde entwickelt von Globex.", want: "error", rule: "developer/D5"},
		{name: "die offizielle Synchronisation für HubSpot is an error", in: "tagline", text: "Die offizielle Synchronisation für HubSpot", want: "error"},
		{name: "a claim in the next German sentence passes", in: "description", text: "Wir synchronisieren Kontakte mit HubSpot. Zertifiziert vom TÜV Süd."},
		{name: "genehmigte HubSpot-Angebote are quotes that passed approval and pass", in: "description", text: "Genehmigte HubSpot-Angebote werden zu Proforma-Rechnungen."},
		{name: "genehmigte HubSpot-App is an error", in: "description", text: "Eine genehmigte HubSpot-App.", want: "error"},
		{name: "a claim after a German comma passes", in: "description", text: "Angebote werden mit HubSpot abgeglichen, genehmigte Angebote gehen an die Buchhaltung."},
		{name: "die offizielle HubSpot-API is the platform's API and passes", in: "description", text: "Wir nutzen ausschließlich die offizielle HubSpot-API und verbinden uns per OAuth 2.0."},
		{name: "der offiziellen HubSpot-API, in the dative, passes", in: "description", text: "Die Daten kommen aus der offiziellen HubSpot-API."},
		{name: "die offizielle HubSpot-Synchronisation is an error", in: "tagline", text: "Die offizielle HubSpot-Synchronisation", want: "error"},
	},
	"fr": {
		{name: "pour HubSpot passes", in: "tagline", text: "Synchronisation des contacts pour HubSpot"},
		{name: "une traduction certifiée passes", in: "description", text: "Une traduction certifiée de vos devis HubSpot est jointe à chaque envoi."},
		{name: "certifié ISO 27001 passes", in: "description", text: "Hébergement certifié ISO 27001 pour les données issues de HubSpot."},
		{name: "partenaire officiel de HubSpot is an error for a beta", in: "description", text: "Acme est partenaire officiel de HubSpot.", want: "error"},
		{name: "partenaire officiel de HubSpot is fine for a partner", in: "description", text: "Acme est partenaire officiel de HubSpot.", partner: true},
		{name: "certifié par HubSpot is an error", in: "tagline", text: "Connecteur certifié par HubSpot", want: "error"},
		{name: "l'application officielle pour HubSpot is an error", in: "tagline", text: "L'application officielle pour HubSpot", want: "error"},
		{name: "développé par Initech is an error", in: "description", text: "Ce connecteur est développé par Initech.", want: "error", rule: "developer/D5"},
		{name: "recommandé par HubSpot is an error", in: "description", text: "Le connecteur recommandé par HubSpot.", want: "error"},
		{name: "homologuée par HubSpot is an error", in: "description", text: "Solution homologuée par HubSpot.", want: "error"},
		{name: "l'API officielle de HubSpot is the platform's API and passes", in: "description", text: "Stockly utilise uniquement l'API officielle de HubSpot, via OAuth 2.0."},
		{name: "a till homologated to NF 525 names its own certifier and passes", in: "description", text: "Logiciel de caisse homologué NF 525, relié à HubSpot."},
		{name: "un produit d'Umbrella Corp, the article elided onto the name, is an error", in: "description", text: "Siretly est un produit d'Umbrella Corp.", want: "error", rule: "developer/D5"},
	},
	"es": {
		{name: "para HubSpot passes", in: "tagline", text: "Sincronización de contactos para HubSpot"},
		{name: "una traducción jurada passes", in: "description", text: "Adjunta una traducción jurada de cada contrato de HubSpot."},
		{name: "socio oficial de HubSpot is an error for a beta", in: "description", text: "Acme es socio oficial de HubSpot en México.", want: "error"},
		{name: "certificado por HubSpot is an error", in: "tagline", text: "Conector certificado por HubSpot", want: "error"},
		{name: "desarrollado por Globex is an error", in: "description", text: "Conector desarrollado por Globex.", want: "error", rule: "developer/D5"},
		{name: "la integración oficial para HubSpot is an error", in: "tagline", text: "La integración oficial para HubSpot", want: "error"},
		{name: "la API oficial de HubSpot is the platform's API and passes", in: "description", text: "Inventa usa únicamente la API oficial de HubSpot mediante OAuth 2.0."},
	},
	"pt": {
		{name: "para HubSpot passes", in: "tagline", text: "Emissão de NF-e para HubSpot"},
		{name: "a certificado digital is a legal term and passes", in: "description", text: "Emite notas fiscais com certificado digital A1 a partir dos negócios do HubSpot."},
		{name: "parceiro oficial da HubSpot is an error for a beta", in: "description", text: "A Acme é parceiro oficial da HubSpot no Brasil.", want: "error"},
		{name: "aprovado pela HubSpot is an error", in: "tagline", text: "Conector aprovado pela HubSpot", want: "error"},
		{name: "homologada pela HubSpot, the Brazilian word for approved, is an error", in: "tagline", text: "Integração homologada pela HubSpot", want: "error"},
		{name: "a API oficial do HubSpot is the platform's API and passes", in: "description", text: "Usamos somente a API oficial do HubSpot, com OAuth 2.0."},
		{name: "an issuer homologado pela SEFAZ says nothing of the platform and passes", in: "description", text: "Emissor homologado pela SEFAZ: as notas saem dos negócios do HubSpot."},
		{name: "um produto da Globex is an error", in: "description", text: "O Acme Sync é um produto da Globex.", want: "error", rule: "developer/D5"},
		{name: "desenvolvido pela Umbrella Corp, por contracted with the article, is an error", in: "description", text: "O Fretemais é desenvolvido pela Umbrella Corp.", want: "error", rule: "developer/D5"},
		{name: "criado pelo Initech is an error", in: "description", text: "Conector criado pelo Initech.", want: "error", rule: "developer/D5"},
		{name: "a note authorised by the tax office says nothing of the platform and passes", in: "description", text: "Emite a NF-e autorizada pela SEFAZ e registra o número no negócio do HubSpot."},
	},
	"it": {
		{name: "per HubSpot passes", in: "tagline", text: "Sincronizzazione dei contatti per HubSpot"},
		{name: "posta elettronica certificata is a legal term and passes", in: "description", text: "Invia le fatture da HubSpot via posta elettronica certificata."},
		{name: "partner ufficiale di HubSpot is an error for a beta", in: "description", text: "Acme è partner ufficiale di HubSpot.", want: "error"},
		{name: "certificato da HubSpot is an error", in: "tagline", text: "Connettore certificato da HubSpot", want: "error"},
		{name: "le API ufficiali di HubSpot are the platform's API and pass", in: "description", text: "Utilizziamo solo le API ufficiali di HubSpot, tramite OAuth 2.0."},
		{name: "sviluppato da Initech is an error", in: "description", text: "Il connettore è sviluppato da Initech.", want: "error", rule: "developer/D5"},
	},
	"nl": {
		{name: "voor HubSpot passes", in: "tagline", text: "Contactsynchronisatie voor HubSpot"},
		{name: "een beëdigde vertaling passes", in: "description", text: "Een beëdigde vertaling van elke offerte uit HubSpot wordt bijgevoegd."},
		{name: "officiële HubSpot-partner is an error for a beta", in: "description", text: "Acme is officiële HubSpot-partner.", want: "error"},
		{name: "gecertificeerd door HubSpot is an error", in: "tagline", text: "Koppeling gecertificeerd door HubSpot", want: "error"},
		{name: "ontwikkeld door Globex is an error", in: "description", text: "Deze koppeling is ontwikkeld door Globex.", want: "error", rule: "developer/D5"},
	},
	"ja": {
		{name: "HubSpot用 passes", in: "tagline", text: "HubSpot用の顧客データ同期"},
		{name: "ハブスポット向け passes", in: "tagline", text: "ハブスポット向けの請求書連携"},
		{name: "HubSpotの公式サイト as a reference passes", in: "description", text: "HubSpotの公式サイトからインストールできます。"},
		{name: "ISO 27001認定 passes", in: "description", text: "ISO 27001認定のデータセンターでHubSpotと同期します。"},
		{name: "staff holding HubSpot認定資格 pass", in: "description", text: "HubSpot認定資格を持つスタッフが導入を支援します。"},
		{name: "HubSpot公式アプリマーケットプレイス as a reference passes", in: "description", text: "HubSpot公式アプリマーケットプレイスからインストールできます。"},
		{name: "HubSpotの公式API is the platform's API and passes", in: "description", text: "HubSpotの公式APIのみを使用し、OAuth 2.0で接続します。"},
		{name: "HubSpot公式 is an error", in: "name", text: "Acme HubSpot公式連携", want: "error"},
		{name: "ハブスポット公認 is an error", in: "tagline", text: "ハブスポット公認の名刺管理", want: "error"},
		{name: "HubSpotの認定パートナー is an error for a beta", in: "description", text: "当社はHubSpotの認定パートナーです。", want: "error"},
		{name: "HubSpotパートナー is fine for a partner", in: "description", text: "当社はHubSpotパートナーです。", partner: true},
		{name: "HubSpot製 is an error", in: "tagline", text: "HubSpot製の名刺連携", want: "error"},
		{name: "Globexが開発 is an error", in: "description", text: "このアプリはGlobexが開発しました。", want: "error", rule: "developer/D5"},
		{name: "HubSpot用の公式アプリ is an error", in: "tagline", text: "HubSpot用の公式アプリ", want: "error"},
		{name: "a claim in the next Japanese sentence passes", in: "description", text: "HubSpotと連携します。認定資格を持つ担当者が対応します。"},
	},
	"zh": {
		{name: "适用于HubSpot passes", in: "tagline", text: "适用于HubSpot的联系人同步"},
		{name: "身份认证 is a term and passes", in: "description", text: "通过HubSpot身份认证登录后即可同步。"},
		{name: "HubSpot官方应用市场 as a reference passes", in: "description", text: "可在HubSpot官方应用市场一键安装。"},
		{name: "HubSpot官方應用市場 in traditional characters passes", in: "description", text: "可於HubSpot官方應用市場直接安裝。"},
		{name: "HubSpot认证顾问, consultants holding HubSpot certifications, pass", in: "description", text: "由我们的HubSpot认证顾问协助完成上线配置。"},
		{name: "HubSpot官方 is an error", in: "tagline", text: "HubSpot官方联系人同步", want: "error"},
		{name: "HubSpot认证的合作伙伴 is an error", in: "description", text: "我们是HubSpot认证的合作伙伴。", want: "error"},
		{name: "由Globex开发 is an error", in: "description", text: "本应用由Globex开发。", want: "error", rule: "developer/D5"},
		{name: "HubSpot推荐 is an error", in: "tagline", text: "HubSpot推荐的同步工具", want: "error"},
		{name: "consultants holding HubSpot认证 (持有HubSpot认证) pass", in: "description", text: "我们的实施顾问均持有HubSpot认证。"},
		{name: "an app holding HubSpot认证 in its own name is an error", in: "name", text: "持有HubSpot认证的同步", want: "error"},
		{name: "HubSpot认证 right after the name with nothing before it is still an error", in: "tagline", text: "HubSpot认证同步工具", want: "error"},
	},
	"ko": {
		{name: "HubSpot와 연동 passes", in: "tagline", text: "HubSpot와 연동되는 연락처 동기화"},
		{name: "허브스팟과 연동 passes", in: "description", text: "허브스팟과 연동하여 연락처를 동기화합니다."},
		{name: "허브스팟의 공식 파트너 is an error for a beta", in: "description", text: "저희는 허브스팟의 공식 파트너입니다.", want: "error"},
		{name: "허브스팟에서 개발 is an error", in: "description", text: "이 앱은 허브스팟에서 개발했습니다.", want: "error"},
		{name: "HubSpot 공식 in a name is an error", in: "name", text: "Acme HubSpot 공식 동기화", want: "error"},
		{name: "HubSpot의 공식 파트너, a Latin name with a Korean particle, is an error for a beta", in: "description", text: "저희는 HubSpot의 공식 파트너입니다.", want: "error"},
		{name: "Globex가 개발 is an error", in: "description", text: "Globex가 개발한 앱입니다.", want: "error", rule: "developer/D5"},
		{name: "허브스팟 추천 is an error", in: "tagline", text: "허브스팟 추천 동기화 도구", want: "error"},
		{name: "HubSpot이 인증한, certified by HubSpot with the subject particle, is an error", in: "description", text: "HubSpot이 인증한 설문 연동 앱입니다.", want: "error"},
		{name: "HubSpot이 승인한, approved by HubSpot, is an error", in: "description", text: "HubSpot이 승인한 견적 연동입니다.", want: "error"},
		{name: "HubSpot이 제공하는, what HubSpot offers, passes", in: "description", text: "HubSpot이 제공하는 공식 API로 연락처를 읽습니다."},
		{name: "HubSpot에서 승인된 견적서, quotes approved in HubSpot, pass", in: "description", text: "HubSpot에서 승인된 견적서를 PDF로 보냅니다."},
		{name: "HubSpot 인증 앱, a HubSpot-certified app, is an error", in: "tagline", text: "HubSpot 인증 앱으로 예약 관리", want: "error"},
		{name: "HubSpot 인증 후, after signing in to HubSpot, passes", in: "description", text: "HubSpot 인증 후 예약이 연락처 타임라인에 동기화됩니다."},
		{name: "HubSpot 공식 API is the platform's API and passes", in: "description", text: "HubSpot 공식 API만 사용하며 OAuth 2.0으로 안전하게 연결합니다."},
	},
	"ar": {
		{name: "لـ HubSpot passes", in: "tagline", text: "مزامنة جهات الاتصال لـ HubSpot"},
		{name: "a certified translation in Arabic passes", in: "description", text: "نرفق ترجمة معتمدة لكل عقد من HubSpot."},
		{name: "شريك رسمي لـ HubSpot is an error for a beta", in: "description", text: "أكمي شريك رسمي لـ HubSpot في السعودية.", want: "error"},
		{name: "HubSpot الرسمي is an error", in: "tagline", text: "تطبيق HubSpot الرسمي للمزامنة", want: "error"},
		{name: "من تطوير Globex is an error", in: "description", text: "التطبيق من تطوير Globex.", want: "error", rule: "developer/D5"},
		{name: "the platform's Arabic name with a clitic and official status is an error", in: "tagline", text: "التكامل الرسمي لهب سبوت", want: "error"},
	},
	"tr": {
		{name: "HubSpot için passes", in: "tagline", text: "HubSpot için e-Fatura entegrasyonu", added: turkish},
		{name: "the genitive after an apostrophe with no claim passes", in: "description", text: "Faturaport, HubSpot'un anlaşmalarından e-Fatura keser.", added: turkish},
		{name: "the genitive written on the name, HubSpotun resmi iş ortağı, is an error for a beta", in: "description", text: "Faturaport, HubSpotun resmi iş ortağıdır.", want: "error", added: turkish},
		{name: "the genitive after an apostrophe, HubSpot'un resmi iş ortağı, is an error for a beta", in: "description", text: "Faturaport, HubSpot'un resmi iş ortağıdır.", want: "error", added: turkish},
		{name: "the genitive after a typographic apostrophe, HubSpot’un resmi iş ortağı, is fine for a partner", in: "description", text: "Faturaport, HubSpot’un resmi iş ortağıdır.", partner: true, added: turkish},
		{name: "HubSpot'un resmi API'si, the platform's official API, passes with the program's Turkish terms", in: "description", text: "Yalnızca HubSpot'un resmi API'sini OAuth 2.0 ile kullanıyoruz.", added: turkish},
	},
	"ru": {
		{name: "интеграция с HubSpot passes", in: "tagline", text: "Интеграция с HubSpot для отдела продаж"},
		{name: "the official HubSpot API in Russian passes", in: "description", text: "Модуль работает только через официальный API HubSpot и OAuth 2.0."},
		{name: "an official partner of another company passes", in: "description", text: "Компания «Акме» — официальный партнёр 1С. Модуль передаёт сделки в HubSpot."},
		{name: "сертифицировано ISO 27001 passes", in: "description", text: "Наш дата-центр сертифицирован по ISO 27001, данные HubSpot хранятся в России."},
		{name: "официальный партнёр HubSpot is an error for a beta", in: "description", text: "Мы — официальный партнёр HubSpot в России.", want: "error"},
		{name: "официальный партнёр HubSpot is fine for a partner", in: "description", text: "Мы — официальный партнёр HubSpot в России.", partner: true},
		{name: "сертифицировано HubSpot is an error", in: "tagline", text: "Приложение сертифицировано HubSpot", want: "error"},
		{name: "одобрено компанией HubSpot is an error", in: "description", text: "Решение одобрено компанией HubSpot.", want: "error"},
		{name: "разработано компанией Globex is an error", in: "description", text: "Модуль разработан компанией Globex.", want: "error", rule: "developer/D5"},
	},
	"uk": {
		{name: "інтеграція з HubSpot passes", in: "tagline", text: "Інтеграція з HubSpot для відділу продажів"},
		{name: "офіційний партнер HubSpot is an error for a beta", in: "description", text: "Ми — офіційний партнер HubSpot в Україні.", want: "error"},
		{name: "сертифіковано HubSpot is an error", in: "tagline", text: "Застосунок, сертифікований HubSpot", want: "error"},
	},
	"he": {
		{name: "מחבר ל-HubSpot passes", in: "tagline", text: "מחבר ל-HubSpot לניהול לידים"},
		{name: "the official HubSpot API in Hebrew passes", in: "description", text: "אנחנו משתמשים רק ב-API הרשמי של HubSpot דרך OAuth 2.0."},
		{name: "a certified accountant passes", in: "description", text: "רואה חשבון מוסמך בודק כל חשבונית שנשלחת מ-HubSpot."},
		{name: "השותף הרשמי של HubSpot is an error for a beta", in: "description", text: "אנחנו השותף הרשמי של HubSpot בישראל.", want: "error"},
		{name: "השותף הרשמי של HubSpot is fine for a partner", in: "description", text: "אנחנו השותף הרשמי של HubSpot בישראל.", partner: true},
		{name: "מאושר על ידי HubSpot is an error", in: "tagline", text: "חיבור מאושר על ידי HubSpot", want: "error"},
	},
	"vi": {
		{name: "tích hợp với HubSpot passes", in: "tagline", text: "Giải pháp tích hợp với HubSpot cho đội bán hàng"},
		{name: "the official HubSpot API in Vietnamese passes", in: "description", text: "Chúng tôi chỉ dùng API chính thức của HubSpot qua OAuth 2.0."},
		{name: "an official partner of another company passes", in: "description", text: "Công ty là đối tác chính thức của Zalo. Dữ liệu được đồng bộ vào HubSpot."},
		{name: "Đối tác chính thức của HubSpot is an error for a beta", in: "description", text: "Đối tác chính thức của HubSpot tại Việt Nam.", want: "error"},
		{name: "Đối tác chính thức của HubSpot is fine for a partner", in: "description", text: "Đối tác chính thức của HubSpot tại Việt Nam.", partner: true},
		{name: "được chứng nhận bởi HubSpot is an error", in: "tagline", text: "Ứng dụng được chứng nhận bởi HubSpot", want: "error"},
	},
	"fi": {
		{name: "HubSpot-integraatio passes", in: "tagline", text: "HubSpot-integraatio taloushallintoon"},
		{name: "the official HubSpot API in Finnish passes", in: "description", text: "Käytämme vain HubSpotin virallista API:a ja OAuth 2.0 -tunnistautumista."},
		{name: "an official partner of another company passes", in: "description", text: "Olemme Microsoftin virallinen kumppani. Siirrämme laskut HubSpotiin."},
		{name: "HubSpotin virallinen kumppani is an error for a beta", in: "description", text: "Olemme HubSpotin virallinen kumppani Suomessa.", want: "error"},
		{name: "HubSpotin virallinen kumppani is fine for a partner", in: "description", text: "Olemme HubSpotin virallinen kumppani Suomessa.", partner: true},
		{name: "HubSpotin sertifioima is an error", in: "tagline", text: "HubSpotin sertifioima laskutusintegraatio", want: "error"},
	},
	"th": {
		{name: "เชื่อมต่อกับ HubSpot passes", in: "tagline", text: "เชื่อมต่อข้อมูลลูกค้ากับ HubSpot อัตโนมัติ"},
		{name: "the official HubSpot API in Thai passes", in: "description", text: "เราใช้ API อย่างเป็นทางการของ HubSpot ผ่าน OAuth 2.0 เท่านั้น"},
		{name: "a certificate of HubSpot held by the team passes", in: "description", text: "ทีมงานของเรามีใบรับรอง HubSpot ทุกคน"},
		{name: "พันธมิตรอย่างเป็นทางการของ HubSpot is an error for a beta", in: "description", text: "เราเป็นพันธมิตรอย่างเป็นทางการของ HubSpot ในประเทศไทย", want: "error"},
		{name: "พันธมิตรอย่างเป็นทางการของ HubSpot is fine for a partner", in: "description", text: "เราเป็นพันธมิตรอย่างเป็นทางการของ HubSpot ในประเทศไทย", partner: true},
		{name: "ได้รับการรับรองจาก HubSpot is an error", in: "tagline", text: "แอปที่ได้รับการรับรองจาก HubSpot", want: "error"},
	},
	"el": {
		{name: "για το HubSpot passes", in: "tagline", text: "Τιμολόγηση myDATA για το HubSpot"},
		{name: "a certified accountant in Greek passes", in: "description", text: "Ένας πιστοποιημένος λογιστής ελέγχει κάθε τιμολόγιο από το HubSpot."},
		{name: "επίσημος συνεργάτης της HubSpot is an error for a beta", in: "description", text: "Είμαστε επίσημος συνεργάτης της HubSpot στην Ελλάδα.", want: "error"},
	},
	"pl": {
		{name: "integracja z HubSpot passes", in: "tagline", text: "Integracja z HubSpot dla działu sprzedaży"},
		{name: "the official HubSpot API in Polish passes", in: "description", text: "Korzystamy wyłącznie z oficjalnego API HubSpot przez OAuth 2.0."},
		{name: "oficjalny partner HubSpot is an error for a beta", in: "description", text: "Jesteśmy oficjalnym partnerem HubSpot w Polsce.", want: "error"},
		{name: "certyfikowany przez HubSpot is an error", in: "tagline", text: "Konektor certyfikowany przez HubSpot", want: "error"},
	},
	"cs": {
		{name: "integrace s HubSpotem passes", in: "tagline", text: "Propojení faktur s HubSpot"},
		{name: "oficiální partner HubSpot is an error for a beta", in: "description", text: "Jsme oficiální partner HubSpot v Česku.", want: "error"},
		{name: "certifikováno společností HubSpot is an error", in: "tagline", text: "Aplikace certifikovaná společností HubSpot", want: "error"},
	},
	"sv": {
		{name: "koppling till HubSpot passes", in: "tagline", text: "Koppling mellan Fortnox och HubSpot"},
		{name: "HubSpots officiella API in Swedish passes", in: "description", text: "Vi använder bara HubSpots officiella API via OAuth 2.0."},
		{name: "en auktoriserad revisor passes", in: "description", text: "En auktoriserad revisor granskar varje faktura från HubSpot."},
		{name: "officiell partner till HubSpot is an error for a beta", in: "description", text: "Vi är officiell partner till HubSpot i Sverige.", want: "error"},
		{name: "certifierad av HubSpot is an error", in: "tagline", text: "Integration certifierad av HubSpot", want: "error"},
	},
	"ro": {
		{name: "integrare cu HubSpot passes", in: "tagline", text: "Integrare cu HubSpot pentru facturare"},
		{name: "API-ul oficial HubSpot in Romanian passes", in: "description", text: "Folosim doar API-ul oficial HubSpot, prin OAuth 2.0."},
		{name: "partener oficial HubSpot is an error for a beta", in: "description", text: "Suntem partener oficial HubSpot în România.", want: "error"},
	},
	"hu": {
		{name: "HubSpot-integráció passes", in: "tagline", text: "HubSpot-integráció számlázáshoz"},
		{name: "a HubSpot hivatalos API-ja passes", in: "description", text: "Kizárólag a HubSpot hivatalos API-ját használjuk OAuth 2.0-val."},
		{name: "a HubSpot hivatalos partnere is an error for a beta", in: "description", text: "Cégünk a HubSpot hivatalos partnere Magyarországon.", want: "error"},
		{name: "a HubSpot által tanúsított is an error", in: "tagline", text: "A HubSpot által tanúsított számlázó", want: "error"},
	},
	"id": {
		{name: "integrasi dengan HubSpot passes", in: "tagline", text: "Integrasi WhatsApp dengan HubSpot"},
		{name: "API resmi HubSpot in Indonesian passes", in: "description", text: "Kami hanya memakai API resmi HubSpot melalui OAuth 2.0."},
		{name: "mitra resmi HubSpot is an error for a beta", in: "description", text: "Kami adalah mitra resmi HubSpot di Indonesia.", want: "error"},
		{name: "mitra resmi HubSpot is fine for a partner", in: "description", text: "Kami adalah mitra resmi HubSpot di Indonesia.", partner: true},
	},
	"ms": {
		{name: "untuk HubSpot passes", in: "tagline", text: "Penyegerakan kenalan untuk HubSpot"},
		{name: "rakan kongsi rasmi HubSpot is an error for a beta", in: "description", text: "Kami ialah rakan kongsi rasmi HubSpot di Malaysia.", want: "error"},
	},
	"fa": {
		{name: "برای HubSpot passes", in: "tagline", text: "همگام‌سازی مخاطبان برای HubSpot"},
		{name: "API رسمی HubSpot in Persian passes", in: "description", text: "ما فقط از API رسمی HubSpot با OAuth 2.0 استفاده می‌کنیم."},
		{name: "شریک رسمی HubSpot is an error for a beta", in: "description", text: "ما شریک رسمی HubSpot در ایران هستیم.", want: "error"},
	},
	"hi": {
		{name: "HubSpot के लिए passes", in: "tagline", text: "HubSpot के लिए व्हाट्सऐप सिंक"},
		{name: "HubSpot का आधिकारिक पार्टनर is an error for a beta", in: "description", text: "हम HubSpot के आधिकारिक पार्टनर हैं।", want: "error"},
	},
	"tr-default": {
		{name: "HubSpot için passes with the defaults", in: "tagline", text: "HubSpot için e-Fatura entegrasyonu"},
		{name: "HubSpot'un resmi API'si passes with the defaults", in: "description", text: "Yalnızca HubSpot'un resmi API'sini OAuth 2.0 ile kullanıyoruz."},
		{name: "HubSpot'un resmi iş ortağı is an error for a beta with the defaults", in: "description", text: "Faturaport, HubSpot'un resmi iş ortağıdır.", want: "error"},
	},
}

func TestClaimsPerLanguage(t *testing.T) {
	for _, lang := range []string{"en", "de", "fr", "es", "pt", "it", "nl", "ja", "zh", "ko", "ar", "tr",
		"ru", "uk", "he", "vi", "fi", "th", "el", "pl", "cs", "sv", "ro", "hu", "id", "ms", "fa", "hi", "tr-default"} {
		cases := claimTables[lang]
		t.Run(lang, func(t *testing.T) {
			if !slices.ContainsFunc(cases, func(c claimCase) bool { return c.want == "" }) ||
				!slices.ContainsFunc(cases, func(c claimCase) bool { return c.want != "" }) {
				t.Fatalf("language %s needs cases that pass and cases that fail", lang)
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) { tc.check(t) })
			}
		})
	}
}

func (tc claimCase) check(t *testing.T) {
	t.Helper()
	rule := tc.rule
	if rule == "" {
		rule = "developer/E1"
	}
	paths := map[string]string{"name": "integration.name", "tagline": "listing.tagline", "description": "listing.description"}
	var want []result
	switch tc.want {
	case "error":
		want = []result{failing(rule, paths[tc.in])}
	case "warning":
		want = []result{warning(rule, paths[tc.in])}
	}
	c := checkCase{
		config: func(cfg *application.Config) {
			cfg.ProtectedNames = []string{"Globex", "Initech", "Umbrella Corp"}
			if tc.added != nil {
				cfg.ClaimWords = maps.Clone(cfg.ClaimWords)
				maps.Copy(cfg.ClaimWords, tc.added)
			}
		},
		mutate: func(a *application.Application) {
			switch tc.in {
			case "name":
				a.Integration.Name = tc.text
			case "tagline":
				a.Listing.Tagline = tc.text
			case "description":
				a.Listing.Description = tc.text
			default:
				panic(fmt.Sprintf("no text %q", tc.in))
			}
			if tc.partner {
				toPartner(a)
			}
		},
	}
	var got []result
	for _, r := range results(c.run()) {
		if r.Rule == "developer/E1" || r.Rule == "developer/D5" {
			got = append(got, r)
		}
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("%q: findings mismatch (-want +got):\n%s", tc.text, diff)
	}
}
