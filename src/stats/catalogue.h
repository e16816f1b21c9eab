/* stats/catalogue: the one catalogue of the signs — identifier, kind, family, Russian
 * title, a plain-Russian explanation for a municipal coordinator, and the section of
 * docs/methodology-oko.md that defines it. Pure data: signs.csv, the stored runs
 * (sign_result.kind), the risk pages, the evidence card, the API and the XLSX all take
 * their names and words from here. A new sign of enum stat_sign gets its row here too
 * (tests/unit/test_sign_catalogue.c checks that every sign has a complete entry). */
#ifndef OKO_STATS_CATALOGUE_H
#define OKO_STATS_CATALOGUE_H

#include <stdbool.h>

#include "stats/signs.h"

/* Who defined the sign. The text form is stored in sign_result.kind and given by the API. */
enum stat_sign_kind {
	STAT_KIND_OFFICIAL,  /* "official": the 2019 objectivity method */
	STAT_KIND_PUBLISHED, /* "published": a published criterion (ФИОКО, Rosobrnadzor) */
	STAT_KIND_OWN        /* "own": oko's own statistical sign */
};

struct stat_sign_info {
	enum stat_sign sign;
	const char *id;        /* as in signs.csv: "mean_inflated" */
	enum stat_sign_kind kind;
	const char *family;    /* "mean", "journal", "cohort", "boundary", "positions", "patterns" */
	const char *title;     /* Russian, a few words */
	const char *explain;   /* Russian, one or two sentences */
	const char *method;    /* section of docs/methodology-oko.md, "3.1" */
};

/* The entry of a sign (NULL for a value outside enum stat_sign). */
const struct stat_sign_info *stat_sign_info(enum stat_sign s);
/* The entry with identifier id (NULL when unknown). */
const struct stat_sign_info *stat_sign_find(const char *id);
/* "official", "published", "own". */
const char *stat_sign_kind_id(enum stat_sign_kind k);
/* «официальный», «опубликованный критерий», «признак oko». */
const char *stat_sign_kind_title(enum stat_sign_kind k);

#endif
