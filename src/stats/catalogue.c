/* stats/catalogue: the signs' catalogue (see the header). */
#include "stats/catalogue.h"

#include <string.h>

static const struct stat_sign_info catalogue[STAT_SIGN_COUNT] = {
	[STAT_SIGN_MEAN_INFLATED] = { STAT_SIGN_MEAN_INFLATED, "mean_inflated", STAT_KIND_OFFICIAL,
		"mean", "Завышенный средний балл",
		"Нижняя граница 95 % доверительного интервала среднего балла школы выше верхней границы "
		"регионального интервала (методика 2019 г., правило а).", "3.1" },
	[STAT_SIGN_JOURNAL_MISMATCH] = { STAT_SIGN_JOURNAL_MISMATCH, "journal_mismatch",
		STAT_KIND_OFFICIAL, "journal", "Несоответствие отметкам в журнале",
		"Ранговая корреляция Спирмена между отметкой в журнале и первичным баллом отрицательна: "
		"ученики с более высокими отметками написали работу хуже (методика 2019 г., правило б).",
		"3.2" },
	[STAT_SIGN_COHORT_RISE] = { STAT_SIGN_COHORT_RISE, "cohort_rise", STAT_KIND_OFFICIAL, "cohort",
		"Резкий рост результатов параллели",
		"Отношение K процентов выполнения параллели в прошлом и в этом году ниже Q25 − 3·IQR "
		"по всем школам региона (методика 2019 г., правило в).", "3.3" },
	[STAT_SIGN_COHORT_DROP] = { STAT_SIGN_COHORT_DROP, "cohort_drop", STAT_KIND_OFFICIAL, "cohort",
		"Резкое падение результатов параллели",
		"Отношение K выше Q75 + 3·IQR по школам региона (методика 2019 г., правило в).", "3.3" },
	[STAT_SIGN_JOURNAL_GAP] = { STAT_SIGN_JOURNAL_GAP, "journal_gap", STAT_KIND_PUBLISHED, "journal",
		"Расхождение с журналом на две отметки и более",
		"Доля работ, где отметка за работу отличается от журнальной на две и более, выше "
		"региональной сверх случайного (рекомендации ФИОКО).", "4.1" },
	[STAT_SIGN_SHARE2_RISE] = { STAT_SIGN_SHARE2_RISE, "share2_rise", STAT_KIND_PUBLISHED, "cohort",
		"Рост доли «2» на 10 п. п. и более",
		"Доля отметок «2» выросла по сравнению с прошлым годом на 10 процентных пунктов или "
		"больше (рекомендации ФИОКО).", "4.2" },
	[STAT_SIGN_BOUNDARY_PEAK] = { STAT_SIGN_BOUNDARY_PEAK, "boundary_peak", STAT_KIND_PUBLISHED,
		"boundary", "Пик распределения у границы отметки",
		"Распределение первичных баллов имеет пик ровно на нижней границе отметки.", "4.3" },
	[STAT_SIGN_DIFFICULTY_INVERTED] = { STAT_SIGN_DIFFICULTY_INVERTED, "difficulty_inverted",
		STAT_KIND_PUBLISHED, "positions", "Обратный профиль трудности",
		"Лёгкие задания выполнены хуже, чем в регионе, а трудные — лучше: так бывает, когда "
		"помогают с трудными заданиями (критерий Рособрнадзора 2018 г.).", "4.4" },
	[STAT_SIGN_BOUNDARY_BUNCHING] = { STAT_SIGN_BOUNDARY_BUNCHING, "boundary_bunching", STAT_KIND_OWN,
		"boundary", "Скопление баллов на границе отметки",
		"На границе отметки и сразу над ней работ больше, а сразу под ней меньше, чем "
		"ожидается по распределению региона (точный биномиальный тест, контроль ложных "
		"обнаружений).", "5.2" },
	[STAT_SIGN_HARD_HELP] = { STAT_SIGN_HARD_HELP, "hard_help", STAT_KIND_OWN, "positions",
		"Трудные задания выполнены лучше ожидаемого",
		"Задания повышенного уровня выполнены заметно лучше, чем у учеников региона с тем же "
		"общим баллом.", "6.1" },
	[STAT_SIGN_PERSON_FIT] = { STAT_SIGN_PERSON_FIT, "person_fit", STAT_KIND_OWN, "patterns",
		"Необычные наборы ответов",
		"Наборы баллов по заданиям плохо согласуются с моделью, построенной по региону: "
		"ученики чаще решают трудное и не решают лёгкое.", "6.2" },
	[STAT_SIGN_TWINS] = { STAT_SIGN_TWINS, "twins", STAT_KIND_OWN, "patterns",
		"Почти одинаковые работы в классе",
		"В классах больше пар работ, отличающихся не более чем одним заданием, чем ожидается "
		"(списывание или диктовка ответов).", "6.3" },
	[STAT_SIGN_JOURNAL_LENIENT] = { STAT_SIGN_JOURNAL_LENIENT, "journal_lenient", STAT_KIND_OWN,
		"journal", "Завышенные отметки в журнале",
		"При том же балле за работу отметки в журнале выше, чем в регионе: слабые работы "
		"получают «4» и «5», какие в регионе ставят за хорошие.", "6.4" },
	[STAT_SIGN_SCORE_ABOVE_JOURNAL] = { STAT_SIGN_SCORE_ABOVE_JOURNAL, "score_above_journal",
		STAT_KIND_OWN, "journal", "Баллы выше ожидаемых по журналу",
		"При той же отметке в журнале баллы за работу выше, чем в регионе.", "6.4" },
	[STAT_SIGN_LENIENT_SCORING] = { STAT_SIGN_LENIENT_SCORING, "lenient_scoring", STAT_KIND_OWN,
		"positions", "Мягкая проверка заданий с развёрнутым ответом",
		"Задания, которые оценивает проверяющий, выполнены лучше, чем у учеников региона с тем "
		"же общим баллом.", "6.1" },
	[STAT_SIGN_RECHECK_INFLATED] = { STAT_SIGN_RECHECK_INFLATED, "recheck_inflated", STAT_KIND_OWN,
		"recheck", "Перепроверка подтвердила завышение",
		"Эксперты перепроверили работы школы: объективно оценено меньше 90 % работ, и школа "
		"ставила больше баллов, чем эксперты, чаще, чем меньше, сверх случайного "
		"(односторонний критерий знаков, уровень 0,05).", "8.2" },
	[STAT_SIGN_VPR_ABOVE_DKR] = { STAT_SIGN_VPR_ABOVE_DKR, "vpr_above_dkr", STAT_KIND_OWN, "mean",
		"ВПР написана намного лучше ДКР",
		"Относительно региона школа написала ВПР заметно лучше, чем региональную "
		"диагностическую работу (ДКР) по тому же предмету те же ученики.", "6.5" },
};

const struct stat_sign_info *stat_sign_info(enum stat_sign s)
{
	return (unsigned)s < STAT_SIGN_COUNT ? &catalogue[s] : NULL;
}

const struct stat_sign_info *stat_sign_find(const char *id)
{
	for (int i = 0; id && i < STAT_SIGN_COUNT; i++)
		if (catalogue[i].id && !strcmp(catalogue[i].id, id))
			return &catalogue[i];
	return NULL;
}

const char *stat_sign_kind_id(enum stat_sign_kind k)
{
	return k == STAT_KIND_OFFICIAL ? "official" : k == STAT_KIND_PUBLISHED ? "published" : "own";
}

const char *stat_sign_kind_title(enum stat_sign_kind k)
{
	return k == STAT_KIND_OFFICIAL ? "официальный"
	       : k == STAT_KIND_PUBLISHED ? "опубликованный критерий" : "признак oko";
}
