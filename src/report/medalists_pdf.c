/* report/medalists_pdf: the medalists' index as a document (see the header). */
#include "report/medalists_pdf.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/ru.h"
#include "base/str.h"

char *medal_years_words(char *out, size_t n, const struct medal_index *x)
{
	if (x->year_from && x->year_from != x->year)
		snprintf(out, n, "%d–%d годы", x->year_from, x->year);
	else
		snprintf(out, n, "%d год", x->year);
	return out;
}

static void totals(struct buf *b, const struct stat_medal_total *t)
{
	char a[RU_NUM_MAX];
	buf_printf(b, "медалистов — %s", ru_int(a, sizeof a, (long long)t->medalists));
	buf_printf(b, ", проверено результатами ЕГЭ — %s", ru_int(a, sizeof a, (long long)t->checked));
	buf_printf(b, ", не подтвердили медаль — %s", ru_int(a, sizeof a, (long long)t->below));
	if (t->checked)
		buf_printf(b, " (%s)", ru_pct(a, sizeof a, t->rate, 1));
	buf_printf(b, "; нет результата — %s", ru_int(a, sizeof a, (long long)t->noresult));
	if (t->norule)
		buf_printf(b, ", без порогов — %s", ru_int(a, sizeof a, (long long)t->norule));
}

struct doc *medal_index_doc(const struct medal_index *x, const char *territory)
{
	char years[64], title[200], a[RU_NUM_MAX];
	medal_years_words(years, sizeof years, x);
	snprintf(title, sizeof title, "Подтверждение медалей результатами ЕГЭ, %s", years);
	struct doc *d = doc_new(title);
	doc_para(d, DOC_TITLE, DOC_ALIGN_DEFAULT, true, title);
	if (territory && *territory)
		doc_para(d, DOC_SUBTITLE, DOC_ALIGN_DEFAULT, false, territory);
	struct buf b = BUF_INIT;
	if (x->nyears > 1) {
		buf_puts(&b, "Годы выпуска с медалистами: ");
		for (size_t j = 0; j < x->nyears; j++)
			buf_printf(&b, "%s%d", j ? ", " : "", x->years[j]);
		buf_puts(&b, ". Показатели школы сложены за эти годы.");
		doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, false, buf_str(&b));
		buf_reset(&b);
	}
	for (size_t i = 0; i < x->nregions; i++) {
		buf_printf(&b, "Регион «%s»: ", x->regions[i].name);
		totals(&b, &x->regions[i].st);
		buf_printf(&b, ". Школ, где доля не подтвердивших значимо выше ожидаемой по региону: %s.",
			   ru_int(a, sizeof a, (long long)x->regions[i].st.significant));
		doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, false, buf_str(&b));
		buf_reset(&b);
	}
	size_t rows = 0;
	/* Soft hyphens where the narrow columns break the words. */
	static const char *const titles[9] = { "Школа, муниципалитет", "Медали\u00adстов",
					       "Прове\u00adрено", "Не под\u00adтвер\u00adдили",
					       "Нет ре\u00adзуль\u00adтата", "Доля, %", "p",
					       "q (с по\u00adправ\u00adкой)", "Зна\u00adчимо выше" };
	/* 170 mm between the margins; the school takes what is left (about 46 mm). */
	static const double widths[9] = { 0, 16, 16, 17, 16, 14, 16, 17, 14 };
	for (size_t i = 0; i < x->nschools; i++) {
		const struct medal_school *s = &x->schools[i];
		if (!s->visible)
			continue;
		if (!rows++)
			doc_table_begin(d, 9, titles, widths);
		char c[8][RU_NUM_MAX];
		buf_reset(&b);
		buf_puts(&b, s->name);
		if (s->municipality[0])
			buf_printf(&b, " (%s)", s->municipality);
		const char *cells[9] = {
			buf_str(&b),
			ru_int(c[0], sizeof c[0], (long long)s->st.medalists),
			ru_int(c[1], sizeof c[1], (long long)s->st.checked),
			ru_int(c[2], sizeof c[2], (long long)s->st.below),
			ru_int(c[3], sizeof c[3], (long long)s->st.noresult),
			ru_num(c[4], sizeof c[4], 100 * s->st.share, 1),
			ru_num(c[5], sizeof c[5], s->st.p, 4),
			ru_num(c[6], sizeof c[6], s->st.q, 4),
			isnan(s->st.p) ? "—" : s->st.significant ? "да" : "нет",
		};
		doc_table_row(d, cells);
	}
	if (rows)
		doc_table_end(d);
	else
		doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, false, "Медалистов на этой территории нет.");
	buf_reset(&b);
	buf_puts(&b, "Доля — не подтвердившие медаль из проверенных (у кого есть результаты ЕГЭ по всем "
		     "требованиям); «нет результата» считается отдельно. p — вероятность получить "
		     "столько не подтвердивших или больше при доле региона (точный критерий");
	buf_puts(&b, x->nyears > 1 ? ", доля региона — своя в каждом году" : ", биномиальный");
	buf_puts(&b, "); q — то же с поправкой Бенджамини — Хохберга на число школ. «Значимо выше» — "
		     "q не больше 0,05 и доля школы выше ожидаемой по региону. Это повод разобраться в "
		     "объективности годовых отметок, а не вывод.");
	doc_para(d, DOC_SMALL, DOC_ALIGN_DEFAULT, false, buf_str(&b));
	buf_free(&b);
	return d;
}
