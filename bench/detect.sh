#!/bin/bash
# Detection power of `oko analyze` on generated regions with known truth (issue 5):
# for each manipulation kind and strength, a region of N schools (default 400; RU and MA,
# grades 4-5, years 2020-2021, 10 % of schools manipulated) is generated, imported and
# analysed; against truth.csv we report the ROC AUC of risk (manipulated vs clean schools;
# again counting only the manipulated schools whose own strength - truth.csv `strength`,
# the nominal one times U(0.6, 1.4) - is >= 0.3, the issue's "pi >= 0.3"; and counting
# only those where the kind changed >= 5 works in all),
# precision and recall of oko's list (listed = 1), the share of clean schools flagged by
# each official sign and listed by oko, and the same for clean lyceums/gymnasiums.
#   bench/detect.sh [N] [SEED]       prints Markdown tables (docs/analysis.md)
# Targets: AUC >= 0.95 for boundary pi >= 0.3 and help at moderate strength; <= 5 % of clean
# schools listed.
set -u
OKO=${OKO:-$(cd "$(dirname "$0")/.." && pwd)/build/oko}
N=${1:-400}
SEED=${2:-1}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

metrics() { # TRUTH SCHOOLS SIGNS -> one table row (without the first two cells)
	awk -F, '
	FILENAME == ARGV[1] { if (FNR > 1) { bad[$1] = 1; changed[$1] += $7; str[$1] = $5 }; next }
	FILENAME == ARGV[2] {
		if (FNR == 1) { for (i = 1; i <= NF; i++) h[$i] = i; next }
		s = $1; risk[s] = $h["risk"] + 0; listed[s] = $h["listed"] + 0
		kind[s] = $h["kind"]; ns++; order[ns] = s; next
	}
	FNR > 1 && $7 == "flag" {
		if ($3 == "mean_inflated") fm[$1] = 1
		else if ($3 == "journal_mismatch") fj[$1] = 1
		else if ($3 == "cohort_rise" || $3 == "cohort_drop") fc[$1] = 1
	}
	END {
		for (i = 1; i <= ns; i++) {
			s = order[i]
			if (s in bad) {
				np++; pr[np] = risk[s]; tp += listed[s]
				if (changed[s] >= 5) { n5++; pr5[n5] = risk[s] }
				if (str[s] >= 0.3 - 1e-9) { n3++; pr3[n3] = risk[s] }
			}
			else {
				nn++; nr[nn] = risk[s]; fp += listed[s]; cm += (s in fm); cj += (s in fj); cc += (s in fc)
				if (kind[s] == "лицей" || kind[s] == "гимназия") { nl++; ll += listed[s]; lm += (s in fm) }
			}
		}
		for (i = 1; i <= np; i++) for (j = 1; j <= nn; j++)
			auc += (pr[i] > nr[j]) ? 1 : (pr[i] == nr[j]) ? 0.5 : 0
		auc = (np && nn) ? auc / (np * nn) : 0
		for (i = 1; i <= n5; i++) for (j = 1; j <= nn; j++)
			auc5 += (pr5[i] > nr[j]) ? 1 : (pr5[i] == nr[j]) ? 0.5 : 0
		auc5 = (n5 && nn) ? auc5 / (n5 * nn) : 0
		for (i = 1; i <= n3; i++) for (j = 1; j <= nn; j++)
			auc3 += (pr3[i] > nr[j]) ? 1 : (pr3[i] == nr[j]) ? 0.5 : 0
		auc3 = (n3 && nn) ? auc3 / (n3 * nn) : 0
		prec = (tp + fp) ? tp / (tp + fp) : 0
		a = np ? sprintf("%.3f", auc) : "—"; a5 = n5 ? sprintf("%.3f (%d)", auc5, n5) : "—"; a3 = n3 ? sprintf("%.3f (%d)", auc3, n3) : "—"; pc = np ? sprintf("%.2f", prec) : "—"; rc = np ? sprintf("%.2f", tp / np) : "—"
		printf "%d | %d | %s | %s | %s | %s | %s | %.1f %% | %.1f %% | %.1f %% | %.1f %% | %d | %.1f %% | %.1f %% |\n",
			np, nn, a, a3, a5, pc, rc, 100 * cm / nn, 100 * cj / nn, 100 * cc / nn,
			100 * fp / nn, nl, nl ? 100 * lm / nl : 0, nl ? 100 * ll / nl : 0
	}' "$1" "$2" "$3"
}

echo "| kind | strength | manipulated | clean | AUC risk | AUC, own strength ≥ 0.3 (schools) | AUC, ≥ 5 works changed (schools) | precision | recall | clean: mean_inflated | clean: journal_mismatch | clean: cohort | clean: listed | clean lyc./gym. | lyc./gym.: mean_inflated | lyc./gym.: listed |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for spec in "none 0" "boundary 0.1" "boundary 0.3" "boundary 0.6" "help 0.3" "help 0.6" \
	    "lenient 0.5" "journal 0.5" "copy 0.5" "jump 0.5"; do
	set -- $spec
	d=$T/$1-$2
	man=0.1
	[ "$1" = none ] && man=0
	"$OKO" gen --out "$d" --schools "$N" --subjects RU,MA --grades 4-5 --years 2020-2021 \
		--kinds "$1" --strength "$2" --manipulated "$man" --seed "$SEED" --quiet || exit 1
	export OKO_DB=$d/oko.db
	"$OKO" init >/dev/null
	for k in schools procedures results; do "$OKO" import "$k" "$d/$k.csv" >/dev/null || exit 1; done
	"$OKO" analyze --out "$d/out" --quiet --no-store || exit 1
	printf '| %s | %s | ' "$1" "$2"
	metrics "$d/truth.csv" "$d/out/schools.csv" "$d/out/signs.csv"
	rm -rf "$d"
done

# Medalists (issue 20): the kind medal — a school awards medals to graduates below the
# level (`oko gen --exams --kinds medal`, three graduation years 2023-2025, docs/generator.md).
# The evidence is the medalists' non-confirmation index (`oko medalists index`,
# docs/medalists.md): per school the exact one-sided p of its share not confirmed against the
# region's, and «значимо» after Benjamini-Hochberg — of the last year alone (`--year 2025`)
# and of the three years pooled (`--years 2023-2025`: the sum over the years against each
# year's rate) on the same region. AUC of -p over the schools with a p (medalists checked by
# their ЕГЭ; manipulated vs clean), precision and recall of «значимо», the share of clean schools listed.
echo
echo "| kind | strength | index | schools with medalists: manipulated | clean | AUC (p of the index) | precision | recall | clean: listed | clean lyc./gym. | lyc./gym.: listed |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
medal_metrics() { # TRUTH SCHOOLS INDEX -> the rest of a table row
	awk -F'\t' '
	FILENAME == ARGV[1] { split($0, f, ","); if (FNR > 1 && f[4] == "medal") bad[f[1]] = 1; next }
	FILENAME == ARGV[2] { if (FNR > 1) { split($0, f, ","); kind[f[1]] = f[5] }; next }
	$1 ~ /^sch/ && NF >= 9 {
		s = $1; p = $7; gsub(",", ".", p); listed = ($9 == "да")
		if (p == "—") next
		lyc = (kind[s] == "лицей" || kind[s] == "гимназия")
		if (s in bad) { np++; pp[np] = -p; tp += listed }
		else { nn++; pn[nn] = -p; fp += listed; if (lyc) { nl++; ll += listed } }
	}
	END {
		for (i = 1; i <= np; i++) for (j = 1; j <= nn; j++)
			auc += (pp[i] > pn[j]) ? 1 : (pp[i] == pn[j]) ? 0.5 : 0
		printf "%d | %d | %s | %s | %s | %.1f %% | %d | %.1f %% |\n", np, nn,
			(np && nn) ? sprintf("%.3f", auc / (np * nn)) : "—",
			(tp + fp) ? sprintf("%.2f", tp / (tp + fp)) : "—",
			np ? sprintf("%.2f", tp / np) : "—", nn ? 100 * fp / nn : 0, nl, nl ? 100 * ll / nl : 0
	}' "$1" "$2" "$3"
}
for spec in "medal 0.3" "medal 0.6" "medal 1"; do
	set -- $spec
	d=$T/$1-$2
	"$OKO" gen --out "$d" --schools "$N" --subjects RU,MA --grades 4-5 --years 2023-2025 --exams \
		--kinds "$1" --strength "$2" --manipulated 0.1 --seed "$SEED" --quiet || exit 1
	export OKO_DB=$d/oko.db
	"$OKO" init >/dev/null
	for k in schools procedures results medalists; do "$OKO" import "$k" "$d/$k.csv" >/dev/null || exit 1; done
	"$OKO" medalists index --year 2025 >"$d/index1.tsv" || exit 1
	"$OKO" medalists index --years 2023-2025 >"$d/index3.tsv" || exit 1
	printf '| %s | %s | 2025 | ' "$1" "$2"
	medal_metrics "$d/truth.csv" "$d/schools.csv" "$d/index1.tsv"
	printf '| %s | %s | 2023–2025 pooled | ' "$1" "$2"
	medal_metrics "$d/truth.csv" "$d/schools.csv" "$d/index3.tsv"
	rm -rf "$d"
done

# Teachers in the risk zone (issue 20): the kind teacher — one teacher of a school marks
# leniently in all of their classes (`oko gen --teachers --kinds teacher`). The evidence is
# oko's per-teacher combination of the class-level signs (teachers.csv of `oko analyze`,
# docs/methodology-oko.md «Teachers in the risk zone»). AUC of -p over the teachers
# (planted vs the teachers of schools with nothing planted), precision and recall of
# «listed», the share of clean schools' teachers listed, and the other teachers of planted
# schools listed (with the kind journal — a whole school's lenient marks — that is the
# school's evidence, which the teachers' contrast with their school leaves to the school
# signs). The last two rows: a region with nothing planted and one with the kind journal.
echo
echo "| kind | strength | share | teachers: planted | clean | AUC (p of the teacher) | precision | recall | clean teachers listed | other teachers of planted schools listed |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for spec in "teacher 0.3 0.1" "teacher 0.6 0.1" "teacher 0.6 0" "journal 0.5 0.1"; do
	set -- $spec
	d=$T/$1-$2-$3
	"$OKO" gen --out "$d" --schools "$N" --subjects RU,MA --grades 4-5 --years 2020-2021 --teachers \
		--kinds "$1" --strength "$2" --manipulated "$3" --seed "$SEED" --quiet || exit 1
	export OKO_DB=$d/oko.db
	"$OKO" init >/dev/null
	for k in schools procedures results; do "$OKO" import "$k" "$d/$k.csv" >/dev/null || exit 1; done
	for y in 2020 2021; do "$OKO" import teachers "$d/teachers_$y.csv" --year $y >/dev/null || exit 1; done
	"$OKO" analyze --out "$d/out" --quiet --no-store || exit 1
	sqlite3 -separator , "$OKO_DB" "SELECT ct.teacher_id, s.login, p.code, ct.class FROM class_teacher ct
		JOIN school s ON s.id = ct.school_id JOIN procedure p ON p.id = ct.procedure_id" >"$d/map.csv"
	printf '| %s | %s | %s | ' "$1" "$2" "$3"
	awk -F, '
	FILENAME == ARGV[1] { if (FNR > 1) { bad[$1] = 1; if ($4 == "teacher") cls[$1 "," $2 "," $6] = 1 }; next }
	FILENAME == ARGV[2] { if (($2 "," $3 "," $4) in cls) planted[$1] = 1; next }
	FNR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
	{
		t = $h["teacher"]; p = $h["p"]; if (p == "") next; l = $h["listed"] + 0
		if (t in planted) { np++; pp[np] = -p; tp += l }
		else if (!($h["school"] in bad)) { nn++; pn[nn] = -p; fp += l }
		else { no++; fo += l }
	}
	END {
		for (i = 1; i <= np; i++) for (j = 1; j <= nn; j++)
			auc += (pp[i] > pn[j]) ? 1 : (pp[i] == pn[j]) ? 0.5 : 0
		printf "%d | %d | %s | %s | %s | %.2f %% (%d) | %d of %d |\n", np, nn,
			(np && nn) ? sprintf("%.3f", auc / (np * nn)) : "—",
			(tp + fp) ? sprintf("%.2f", tp / (tp + fp)) : "—",
			np ? sprintf("%.2f", tp / np) : "—", nn ? 100 * fp / nn : 0, fp, fo, no
	}' "$d/truth.csv" "$d/map.csv" "$d/out/teachers.csv"
	rm -rf "$d"
done
