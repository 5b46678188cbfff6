#!/usr/bin/env bash
# uk.t -- Procurement Act 2023 notices, built by hand after the UK extension's
# schema (../shared/data/ocds/schema/extensions/ocds_uk_extension) and
# MANIFEST-uk.md: each notice type's stage, the stage from sections for older
# data, reserved participation, contract details with KPIs and their ratings,
# terminations, how to bid, and organisations keyed on PPON and Companies
# House numbers alike; notices as the portal builds them for a private buyer
# and for a sub-contract (sector= and subcontract=). Runs on both backends.
. "$(dirname "$0")/lib.sh"

db=$(newdb uk)
# rel OCID SECTION NOTICE_TYPE [EXTRA]: one release whose SECTION's documents carry the notice type
rel() {
  local doc="{\"id\":\"d-$3\",\"documentType\":\"x\",\"noticeType\":\"$3\",\"url\":\"https://www.find-tender.service.gov.uk/Notice/000001-2026\",\"datePublished\":\"2026-03-01T09:00:00Z\"}"
  case $2 in
    planning) body="\"planning\":{\"documents\":[$doc]}" ;;
    tender) body="\"tender\":{\"id\":\"t\",\"title\":\"Notice $3\",\"documents\":[$doc]}" ;;
    awards) body="\"tender\":{\"id\":\"t\",\"title\":\"Notice $3\"},\"awards\":[{\"id\":\"a1\",\"status\":\"active\",\"documents\":[$doc]}]" ;;
    contracts) body="\"tender\":{\"id\":\"t\",\"title\":\"Notice $3\"},\"contracts\":[{\"id\":\"c1\",\"awardID\":\"a1\",\"documents\":[$doc]}]" ;;
  esac
  printf '{"ocid":"%s","id":"%s-1","date":"2026-03-01T09:00:00Z","tag":["tender"],%s%s}\n' "$1" "$3" "$body" "${4:+,$4}"
}
{
  rel ocds-uk-1 planning UK1
  rel ocds-uk-2 planning UK2
  rel ocds-uk-3 planning UK3
  rel ocds-uk-4 tender UK4
  rel ocds-uk-5 tender UK5
  rel ocds-uk-6 awards UK6
  rel ocds-uk-7 contracts UK7
  rel ocds-uk-8 contracts UK8
  rel ocds-uk-9 contracts UK9
  rel ocds-uk-10 contracts UK10
  rel ocds-uk-11 contracts UK11
  rel ocds-uk-12 tender UK12
  rel ocds-uk-13 tender UK13
  rel ocds-uk-16 tender UK16
  rel ocds-uk-17 tender UK17
  # the latest notice type wins: a tender notice, then its award
  rel ocds-uk-life tender UK4
  printf '%s\n' '{"ocid":"ocds-uk-life","id":"UK6-2","date":"2026-04-01T09:00:00Z","tag":["award"],"awards":[{"id":"a1","status":"active","documents":[{"id":"d6","noticeType":"UK6","datePublished":"2026-04-01T09:00:00Z"}]}]}'
  # older data: stage from the sections reached
  printf '%s\n' '{"ocid":"ocds-old-p","id":"1","date":"2020-01-01T00:00:00Z","tag":["planning"],"planning":{"budget":{"amount":{"amount":1000,"currency":"GBP"}}}}'
  printf '%s\n' '{"ocid":"ocds-old-t","id":"1","date":"2020-01-01T00:00:00Z","tag":["tender"],"tender":{"id":"t","title":"Old tender","status":"active"}}'
  printf '%s\n' '{"ocid":"ocds-old-x","id":"1","date":"2020-01-01T00:00:00Z","tag":["tenderCancellation"],"tender":{"id":"t","title":"Cancelled","status":"cancelled","statusDetails":"Budget withdrawn by the council."}}'
  printf '%s\n' '{"ocid":"ocds-old-a","id":"1","date":"2020-01-01T00:00:00Z","tag":["award"],"tender":{"id":"t","title":"Awarded"},"awards":[{"id":"a","status":"active"}]}'
  # posted here: a company's tender (its party classified private), and work under the Cumbria contract
  printf '%s\n' '{"ocid":"ocds-ph-pv","id":"1","date":"2026-03-01T09:00:00Z","tag":["tender"],"buyer":{"id":"b","name":"Northern Robotics Ltd"},"parties":[{"id":"b","name":"Northern Robotics Ltd","roles":["buyer"],"details":{"classifications":[{"scheme":"POWERHOUSE-SECTOR","id":"private","description":"Private sector"}]}}],"tender":{"id":"t","title":"Warehouse robot maintenance","status":"active","tenderPeriod":{"endDate":"2026-04-01T12:00:00Z"}}}'
  printf '%s\n' '{"ocid":"ocds-ph-sub","id":"1","date":"2026-03-01T09:00:00Z","tag":["tender"],"buyer":{"id":"b","name":"Eden Grounds Services"},"parties":[{"id":"b","name":"Eden Grounds Services","roles":["buyer"]}],"relatedProcesses":[{"id":"1","relationship":["parent"],"title":"Highway verge cutting","scheme":"ocid","identifier":"ocds-uk-res"}],"tender":{"id":"t","title":"Grass cutting crew wanted","status":"active","tenderPeriod":{"endDate":"2026-04-01T12:00:00Z"}}}'
} >"$T/uk.jsonl"
# A tender reserved to SMEs and VCSEs in one county, with how to bid, lots and criteria
cat >>"$T/uk.jsonl" <<'JSON'
{"ocid":"ocds-uk-res","id":"r1","date":"2026-03-01T09:00:00Z","tag":["tender"],"buyer":{"id":"GB-PPON-PMZV-7832-XWTQ","name":"Cumberland Council"},"parties":[{"id":"GB-PPON-PMZV-7832-XWTQ","name":"Cumberland Council","roles":["buyer"],"contactPoint":{"name":"Procurement Team","email":"procurement@cumberland.gov.uk","telephone":"0300 373 3730"}}],"tender":{"id":"t","title":"Highway verge cutting","status":"active","legalBasis":{"scheme":"UKPGA","id":"2023/54"},"otherRequirements":{"reservedParticipation":["smeVcse"],"reservedParticipationLocation":{"description":"Cumbria"}},"tenderPeriod":{"endDate":"2026-04-07T12:00:00Z"},"enquiryPeriod":{"endDate":"2026-03-31T17:00:00+01:00"},"submissionMethodDetails":"https://procontract.due-north.com/Opportunities/Index","items":[{"id":"i1","description":"Flail mower hire with operator"}],"lots":[{"id":"1","title":"North area","description":"Verges north of the A66","value":{"amount":80000,"currency":"GBP"}},{"id":"2","title":"South area","value":{"amount":95000,"currency":"GBP"}}],"awardCriteria":{"criteria":[{"type":"quality","name":"Method statement","numbers":[{"number":60}]},{"type":"price","name":"Price","numbers":[{"number":40}]}]},"amendments":[{"id":"am1","date":"2026-03-10T09:00:00Z","rationale":"Deadline extended after a site visit was added"}],"documents":[{"id":"d","noticeType":"UK4","datePublished":"2026-03-01T09:00:00Z"}]}}
{"ocid":"ocds-uk-perf","id":"p1","date":"2026-03-01T09:00:00Z","tag":["contract"],"parties":[{"id":"GB-PPON-ABCD-1234-EFGH","name":"Pennine Digital Ltd","roles":["supplier"],"identifier":{"scheme":"GB-PPON","id":"ABCD-1234-EFGH"},"additionalIdentifiers":[{"scheme":"GB-COH","id":"01234567"}]}],"tender":{"id":"t","title":"Telecare monitoring"},"awards":[{"id":"a1","status":"active","suppliers":[{"id":"GB-PPON-ABCD-1234-EFGH","name":"Pennine Digital Ltd"}]}],"contracts":[{"id":"c1","awardID":"a1","title":"Telecare monitoring contract","status":"terminated","dateSigned":"2026-01-10T00:00:00Z","value":{"amount":5200000,"currency":"GBP"},"period":{"startDate":"2026-02-01T00:00:00Z","endDate":"2029-01-31T00:00:00Z"},"terminationRationaleClassifications":[{"scheme":"x","id":"breach","description":"Persistent failure to meet response times"}],"implementation":{"metrics":[{"id":"k1","title":"Alarm calls answered within 60 seconds","observations":[{"id":"o1","period":{"startDate":"2026-02-01T00:00:00Z","endDate":"2026-04-30T00:00:00Z"},"measureClassification":{"scheme":"x","id":"significantlyBelow"}}]}]},"documents":[{"id":"d","noticeType":"UK9","datePublished":"2026-05-01T09:00:00Z"}]}]}
{"ocid":"ocds-uk-coh","id":"c1","date":"2026-03-01T09:00:00Z","tag":["award"],"parties":[{"id":"s","name":"Pennine Digital Limited","roles":["supplier"],"identifier":{"scheme":"GB-COH","id":"1234567"}}],"tender":{"id":"t","title":"Digital signage"},"awards":[{"id":"a1","status":"active","suppliers":[{"id":"s","name":"Pennine Digital Limited"}]}]}
JSON
"$PH" ingest "$T/uk.jsonl" --db "$db" --quiet --now 2026-03-02 >/dev/null 2>"$T/err"; is $? 0 "UK notices ingested"

stage() { "$PH" show "$1" --db "$db" | grep -o '"stage":"[^"]*"' | cut -d'"' -f4; }
for pair in 1:pipeline 2:engagement 3:planned 4:tender 5:transparency 6:award 7:contract 8:contract 9:performance \
  10:change 11:terminated 12:terminated 13:dynamic-market 16:dynamic-market 17:payments; do
  n=${pair%%:*} want=${pair#*:}
  is "$(stage ocds-uk-$n)" "$want" "UK$n: stage $want"
done
is "$(stage ocds-uk-life)" award "the latest notice type gives the stage (tender, then award)"
is "$(stage ocds-old-p)" pipeline "older data: planning only is pipeline"
is "$(stage ocds-old-t)" tender "older data: a tender"
is "$(stage ocds-old-x)" terminated "older data: a cancelled tender is terminated"
is "$(stage ocds-old-a)" award "older data: awarded"
like "$("$PH" show ocds-uk-res --db "$db")" '"reserved":\{"smeVcse":true,"location":"Cumbria"\}' "reserved participation: SME/VCSE and a county"
like "$("$PH" show ocds-uk-4 --db "$db")" '"reserved":null' "not reserved: null"
like "$("$PH" show ocds-ph-pv --db "$db")" '"sector":"private","subcontract":false,"parentOcid":null' "a private buyer's notice: private, no sub-contract"
like "$("$PH" show ocds-ph-sub --db "$db")" '"sector":"public","subcontract":true,"parentOcid":"ocds-uk-res"' "a sub-contract: public (no mark), its parent named"
is "$(sql "$db" "SELECT count(*) FROM org WHERE scheme = 'GB-COH' AND identifier = '01234567'")" 1 \
  "one organisation for a company given by PPON with its Companies House number, and by an unpadded Companies House number"
is "$(sql "$db" "SELECT count(DISTINCT s.org_id) FROM award_supplier s JOIN award a ON a.id = s.award_id JOIN notice n ON n.id = a.notice_id WHERE n.ocid IN ('ocds-uk-perf', 'ocds-uk-coh')")" 1 \
  "... both notices' awards go to it"

serve "$db" --now 2026-03-02T12:00:00Z
res=$(curl -s "$B/notices/ocds-uk-res")
like "$res" 'Stage: <strong>Tender</strong>' "page: the stage in words"
like "$res" '<strong>Reserved:</strong> only small and medium-sized enterprises \(SMEs\) and voluntary, community and social enterprises \(VCSEs\) based in Cumbria can take part' \
  "page: a notice reserved to a county says so"
like "$res" 'Tender deadline</dt><dd class="govuk-summary-list__value">7 April 2026, 1:00pm \(closes in 36 days\)' "page: how to bid: deadline with UK time"
like "$res" 'Questions by</dt><dd class="govuk-summary-list__value">31 March 2026, 5:00pm' "page: enquiry deadline"
like "$res" 'How to submit</dt><dd class="govuk-summary-list__value"><a class="govuk-link" href="https://procontract.due-north.com/Opportunities/Index"' "page: the submission portal link"
like "$res" 'Procurement Team<br><a class="govuk-link" href="mailto:procurement%40cumberland.gov.uk">procurement@cumberland.gov.uk</a><br>Telephone: 0300 373 3730' "page: buyer contact"
like "$res" 'Legal basis</dt><dd class="govuk-summary-list__value">Procurement Act 2023' "page: legal basis"
like "$res" 'Lots \(2\)</h2>' "page: lots"
like "$res" '<h3 class="govuk-heading-s">Lot 1: North area</h3><p class="govuk-body-s">Value: £80,000</p>' "page: each lot with its title and value"
like "$res" 'Method statement</td><td class="govuk-table__cell">quality</td><td class="govuk-table__cell">60' "page: award criteria with weights"
like "$res" 'tender amended\): Deadline extended after a site visit was added' "page: amendments with their rationale"
perf=$(curl -s "$B/notices/ocds-uk-perf")
like "$perf" 'Signed</dt><dd class="govuk-summary-list__value">10 January 2026' "page: contract signed date"
like "$perf" '£5,200,000' "page: contract value"
like "$perf" 'Alarm calls answered within 60 seconds</td><td class="govuk-table__cell">Significantly below' "page: KPI and its rating (UK9)"
like "$perf" 'Why it was terminated</dt><dd class="govuk-summary-list__value">Persistent failure to meet response times' "page: termination (UK11)"
like "$(curl -s "$B/notices/ocds-old-x")" 'Why this procurement was cancelled</h2>
<p class="govuk-body">Budget withdrawn by the council.</p>' "page: why a notice was cancelled"
like "$(curl -s "$B/notices/ocds-uk-life")" 'Contract awarded</td>' "page: the history speaks in words"
like "$(curl -s "$B/notices/ocds-ph-sub")" 'Sub-contract of</dt><dd class="govuk-summary-list__value"><a class="govuk-link" href="/notices/ocds-uk-res">ocds-uk-res</a>' \
  "page: a sub-contract links its parent notice"

# stage= and reserved= filter the search, on the index and on the store's own engine alike
total() { curl -s "$1/api/v1/notices?$2" | grep -o '"total":[0-9]*' | cut -d: -f2; }
check_filters() { # URL LABEL
  is "$(total "$1" 'stage=pipeline')" 2 "$2: stage=pipeline (UK1 and planning-only data)"
  is "$(total "$1" 'stage=terminated')" 3 "$2: stage=terminated (UK11, UK12, a cancelled tender)"
  is "$(total "$1" 'stage=dynamic-market&stage=payments')" 3 "$2: stage repeated: either"
  is "$(total "$1" 'stage=contract,performance')" 4 "$2: stage as a list"
  is "$(total "$1" 'reserved=sme-vcse')" 1 "$2: reserved=sme-vcse"
  is "$(total "$1" 'reserved=location&stage=tender')" 1 "$2: reserved=location with a stage"
  is "$(total "$1" 'q=verge&stage=award')" 0 "$2: keywords and a stage that excludes the match"
  is "$(total "$1" 'q=verge&stage=tender')" 1 "$2: keywords and the stage of the match"
  is "$(total "$1" 'q=a66')" 1 "$2: a word only in a lot's description is searched"
  is "$(total "$1" 'q=mowers')" 1 "$2: a word only in an item's description is searched (stemmed)"
  is "$(total "$1" 'q=%22south%20area%22')" 1 "$2: a lot title as a phrase"
  like "$(curl -s "$1/notices?q=verge")" '<span class="ph-result__stage">Stage: Tender</span></p>' "$2: a result card shows the stage in words"
  like "$(curl -s "$1/notices?q=telecare%20monitoring")" 'Stage: Contract performance</span>' "$2: ... the latest notice type's (UK9)"
  all=$(total "$1" '')
  is "$(total "$1" 'sector=private')" 1 "$2: sector=private (the company's notice)"
  is "$(total "$1" 'sector=public')" $((all - 1)) "$2: sector=public: every other notice"
  is "$(total "$1" 'subcontract=true')" 1 "$2: subcontract=true"
  is "$(total "$1" 'subcontract=false&sector=PUBLIC,private')" $((all - 1)) "$2: subcontract=false, both sectors"
  like "$(curl -s "$1/api/v1/notices?q=robot")" '"sector":"private","subcontract":false' "$2: the API hit says private"
  like "$(curl -s "$1/api/v1/notices?subcontract=1")" '"ocid":"ocds-ph-sub".*"sector":"public","subcontract":true' "$2: ... and sub-contract"
  like "$(curl -s "$1/notices?sector=private")" 'govuk-tag--purple">Private sector</strong>' "$2: a result card says Private sector"
  like "$(curl -s "$1/notices?subcontract=true")" 'govuk-tag--turquoise">Sub-contract</strong>' "$2: ... and Sub-contract"
}
check_filters "$B" "index"
like "$(curl -s "$B/api/v1/notices?stage=tendering")" '"status":400.*stage must be one of pipeline' "stage=tendering: 400 naming the parameter"
page=$(curl -s "$B/notices?stage=award&reserved=sme-vcse")
like "$page" 'id="stage-award" name="stage" type="checkbox" value="award" checked' "search page: the stage filter is in the form, ticked"
like "$page" 'id="reserved-sme-vcse" name="reserved" type="checkbox" value="sme-vcse" checked' "search page: the reserved filter too"
page=$(curl -s "$B/notices?sector=private&subcontract=true")
like "$page" 'id="sector-private" name="sector" type="checkbox" value="private" checked' "search page: the sector filter, ticked"
like "$page" 'id="subcontract-true" name="subcontract" type="checkbox" value="true" checked' "search page: the sub-contracting box, ticked"
like "$page" 'private sector notices, sub-contracting opportunities only' "search page: the search in words"
page=$(curl -s "$B/notices?sector=charity")
like "$page" 'href="#sector-public">Choose public or private sector from the list' "search page: a wrong sector, linked to its field"
like "$(curl -s "$B/api/v1/notices?sector=charity")" '"status":400.*sector must be public or private' "sector=charity: 400 naming the parameter"
aw=$(curl -s "$B/notices?status=awarded&sort=award_date")
like "$aw" '<h1 class="govuk-heading-l">Awarded contracts</h1>' "awarded contracts: their own heading"
like "$aw" '<dt>Winner</dt><dd>Pennine Digital (Ltd|Limited)</dd></div><div><dt>Award value</dt><dd>not given</dd>' "awarded contracts: the card names the winner and the award value"
like "$aw" '<option value="award_date" selected>Award date \(latest first\)</option>' "awarded contracts: sorted by award date"
like "$(curl -s "$B/")" 'href="/notices\?status=awarded&amp;sort=award_date">Awarded contracts</a>' "the menu's Awarded contracts link sorts by award date"
kill "$spid"; wait "$spid" 2>/dev/null
serve "$db" --now 2026-03-02T12:00:00Z --search store
check_filters "$B" "store"

done_testing
