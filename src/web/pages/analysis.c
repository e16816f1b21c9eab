/* analysis: the analysis run started from the browser (the same analysis_run() `oko analyze`
 * calls, analysis/analysis.h).
 *
 *   GET  /analysis   region/admin: the run in progress («анализ идёт: процедура 7 из 21», or
 *                    the packing a run does first once after an upgrade; the page refreshes
 *                    itself), how the last one started here ended, the latest stored run,
 *                    and the button
 *   POST /analysis   region/admin: starts a run (CSRF); refused while one is running
 *
 * The run goes on a detached thread with its own database connection (the analysis opens
 * one more per worker from the database's path), so the server keeps answering; one run at
 * a time per server process. Its outputs go beside the database, in
 * DBPATH-analysis/YYYY-MM-DD_HH-MM-SS (UTC), and the run is stored like `oko analyze`'s, so
 * the risk pages show it as soon as it is committed. Start and end are in the audit log. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis/analysis.h"
#include "base/err.h"
#include "base/log.h"
#include "base/ru.h"
#include "base/str.h"
#include "model/run.h"
#include "web/metrics.h"
#include "web/web.h"

/* The state shared by the requests and the run's thread (under mu). */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	bool running;
	size_t done, total;   /* procedures analysed of all the run loads */
	size_t pack_done, pack_total; /* procedures packed first (once after an upgrade) */
	long packed;          /* of the last run ended: the procedures it packed */
	int64_t started;      /* unix seconds */
	char by[128];         /* who started it (the person's name) */
	/* The last run started here that ended. */
	bool ended;
	int rc;
	int64_t run_id, ended_at;
	long procedures, listed;
	char msg[512];
	char dir[1024];
} st;

/* What the run's thread takes with it (freed by the thread). */
struct job {
	char db_path[1024], dir[1024];
	struct user user;
	char ip[64];
};

static void on_progress(void *ctx, size_t done, size_t total)
{
	(void)ctx;
	pthread_mutex_lock(&mu);
	st.done = done;
	st.total = total;
	pthread_mutex_unlock(&mu);
}

static void on_packing(void *ctx, size_t done, size_t total)
{
	(void)ctx;
	pthread_mutex_lock(&mu);
	st.pack_done = done;
	st.pack_total = total;
	pthread_mutex_unlock(&mu);
}

/* The analysis's message in the user's words: a database error's own text is English. */
static void failure_text(int rc, const char *msg, char *out, size_t n)
{
	if (rc == ERR_DB || rc == ERR_BUSY || !*msg)
		snprintf(out, n, "%s", rc == ERR_DB || rc == ERR_BUSY
			 ? "база данных занята другой записью или недоступна; повторите запуск позже"
			 : "анализ прерван из-за внутренней ошибки");
	else
		snprintf(out, n, "%s", msg);
}

static void *run_thread(void *arg)
{
	struct job *j = arg;
	struct db *d = NULL;
	struct analysis_summary sum;
	char msg[512] = "";
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	/* Half the cores: the other half keeps answering requests. */
	int threads = ncpu > 3 ? (int)(ncpu / 2 > 4 ? 4 : ncpu / 2) : 1;
	struct analysis_opts o = {
		.db_path = j->db_path, .out_dir = j->dir, .threads = threads, .q = 0.05, .store = true,
		.on_progress = on_progress, .on_packing = on_packing,
	};
	memset(&sum, 0, sizeof sum);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = db_open(&d, j->db_path, 0);
	if (rc)
		snprintf(msg, sizeof msg, "не удалось открыть базу данных");
	else
		rc = analysis_run(d, &o, &sum, msg, sizeof msg);
	if (rc)
		log_error("анализ из браузера (%s): %s [%s]", j->dir, msg, err_str(rc));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	metrics_analysis(rc, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	char text[512];
	failure_text(rc, msg, text, sizeof text);
	if (d) {
		char obj[32];
		snprintf(obj, sizeof obj, "%lld", (long long)sum.run_id);
		audit_add(d, &j->user, NULL, rc ? "analysis_failed" : "analysis_done", rc ? NULL : obj,
			  rc ? text : j->dir, j->ip);
		db_close(d);
	}
	pthread_mutex_lock(&mu);
	st.running = false;
	st.ended = true;
	st.rc = rc;
	st.run_id = sum.run_id;
	st.ended_at = (int64_t)time(NULL);
	st.procedures = (long)sum.procedures;
	st.listed = (long)sum.listed;
	st.packed = (long)sum.packed;
	snprintf(st.msg, sizeof st.msg, "%s", rc ? text : "");
	snprintf(st.dir, sizeof st.dir, "%s", j->dir);
	pthread_mutex_unlock(&mu);
	free(j);
	return NULL;
}

/* «14.04.2021 09:30» in the region's time from unix seconds. */
static const char *moment(char *out, size_t n, int64_t t)
{
	char iso[32];
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return ru_moment(out, n, iso);
}

static void latest_run(struct web_req *r, struct buf *b)
{
	struct run_info ri;
	char t[48], n1[RU_NUM_MAX], n2[RU_NUM_MAX], n3[RU_NUM_MAX], n4[RU_NUM_MAX];
	buf_puts(b, "<section class=\"card\"><h2>Последний анализ в базе</h2>");
	if (run_latest(r->db, &ri)) {
		buf_puts(b, "<p>Анализ ещё не проводился.</p></section>");
		return;
	}
	buf_puts(b, "<p>");
	html_textf(b, "Анализ № %s от %s: %s %s, %s %s с работами, в списке oko — %s %s. ",
		   ru_int(n1, sizeof n1, ri.id), ru_moment(t, sizeof t, ri.at),
		   ru_int(n2, sizeof n2, ri.procedures), str_plural(ri.procedures, "процедура", "процедуры", "процедур"),
		   ru_int(n3, sizeof n3, ri.schools), str_plural(ri.schools, "школа", "школы", "школ"),
		   ru_int(n4, sizeof n4, ri.listed), str_plural(ri.listed, "школа", "школы", "школ"));
	buf_puts(b, "<a href=\"/risk\">Список риска</a></p></section>");
}

static int render(struct web_req *r, struct web_res *w, const char *alert)
{
	struct buf *b = &w->body;
	char t[48], n1[RU_NUM_MAX], n2[RU_NUM_MAX], n3[RU_NUM_MAX];
	pthread_mutex_lock(&mu);
	bool running = st.running, ended = st.ended;
	size_t done = st.done, total = st.total, pack_done = st.pack_done, pack_total = st.pack_total;
	int64_t started = st.started, ended_at = st.ended_at, run_id = st.run_id;
	long procedures = st.procedures, listed = st.listed, packed = st.packed;
	int rc = st.rc;
	char by[128], msg[512], dir[1024];
	snprintf(by, sizeof by, "%s", st.by);
	snprintf(msg, sizeof msg, "%s", st.msg);
	snprintf(dir, sizeof dir, "%s", st.dir);
	pthread_mutex_unlock(&mu);

	html_begin(r, w, "Анализ результатов");
	if (running)
		/* Browsers honour a refresh in the body too; without it the link below serves. */
		buf_puts(b, "<meta http-equiv=\"refresh\" content=\"2\">");
	buf_puts(b, "<h1>Анализ результатов</h1>");
	if (alert) {
		buf_puts(b, "<p class=\"alert\" role=\"alert\">");
		html_text(b, alert);
		buf_puts(b, "</p>");
	}
	if (running) {
		buf_puts(b, "<section class=\"card\" aria-live=\"polite\"><h2>Анализ идёт</h2><p>");
		bool packing = !total && pack_total && pack_done < pack_total;
		if (total)
			html_textf(b, "Анализ идёт: процедура %s из %s.", ru_int(n1, sizeof n1, (long long)done),
				   ru_int(n2, sizeof n2, (long long)total));
		else if (packing)
			html_textf(b, "Подготовка результатов к анализу: процедура %s из %s. Это делается "
				   "один раз после обновления oko: результаты каждой процедуры "
				   "записываются в виде, который анализ читает быстрее.",
				   ru_int(n1, sizeof n1, (long long)pack_done + 1),
				   ru_int(n2, sizeof n2, (long long)pack_total));
		else
			buf_puts(b, "Анализ идёт: отбор процедур и загрузка школ.");
		if (total && done >= total)
			buf_puts(b, " Все процедуры разобраны: считается риск, записываются файлы и результаты.");
		buf_puts(b, "</p><p class=\"muted\">");
		html_textf(b, "Запущен %s, запустил(а) %s. Страница обновляется сама; сервер тем временем "
			   "работает как обычно. ", moment(t, sizeof t, started), by);
		buf_puts(b, "<a href=\"/analysis\">Обновить</a></p>");
		if (total)
			html_printf(b, "<progress max=\"%zu\" value=\"%zu\"></progress>", total, done);
		else if (packing)
			html_printf(b, "<progress max=\"%zu\" value=\"%zu\"></progress>", pack_total,
				    pack_done);
		buf_puts(b, "</section>");
	} else if (ended) {
		if (rc) {
			buf_puts(b, "<section class=\"card\"><p class=\"alert\" role=\"alert\">Анализ, запущенный ");
			html_textf(b, "%s, не выполнен: %s.", moment(t, sizeof t, started), msg);
			buf_puts(b, "</p></section>");
		} else {
			buf_puts(b, "<section class=\"card\"><p class=\"notice\" role=\"status\">");
			html_textf(b, "Анализ № %s завершён %s: %s %s, в списке oko — %s %s. ",
				   ru_int(n1, sizeof n1, run_id), moment(t, sizeof t, ended_at),
				   ru_int(n2, sizeof n2, procedures),
				   str_plural(procedures, "процедура", "процедуры", "процедур"),
				   ru_int(n3, sizeof n3, listed), str_plural(listed, "школа", "школы", "школ"));
			if (packed)
				html_textf(b, "Перед ним результаты %s %s подготовлены к анализу (один раз "
					   "после обновления). ", ru_int(n1, sizeof n1, packed),
					   str_plural(packed, "процедуры", "процедур", "процедур"));
			buf_puts(b, "<a href=\"/risk\">Открыть зону риска</a></p>");
			/* Where the files are matters to whoever runs the server, not to a coordinator. */
			if (r->user.role == ROLE_ADMIN) {
				buf_puts(b, "<p class=\"muted\">Файлы анализа (признаки, школы, регион, "
					    "муниципалитеты, официальный список) — на сервере в каталоге "
					    "<code class=\"path\">");
				html_text(b, dir);
				buf_puts(b, "</code>.</p>");
			}
			buf_puts(b, "</section>");
		}
	}
	latest_run(r, b);
	if (!running) {
		buf_puts(b, "<section class=\"card\"><h2>Запустить анализ</h2><p>Анализ проходит по всем "
			    "процедурам с результатами: официальные признаки, признаки oko и риск каждой школы. "
			    "Он занимает от нескольких секунд до нескольких минут; пока он идёт, система "
			    "работает как обычно. Когда он закончится, список риска и карточки школ покажут "
			    "новый анализ, а прежние останутся в истории.</p><form method=\"post\" "
			    "action=\"/analysis\">");
		html_csrf(r, b);
		buf_puts(b, "<button>Запустить анализ</button></form></section>");
	}
	html_end(r, w);
	return 0;
}

int page_analysis(struct web_req *r, struct web_res *w)
{
	return render(r, w, NULL);
}

/* DBPATH-analysis/YYYY-MM-DD_HH-MM-SS[-N], created (the parent with mode 0700: the files
 * name schools and their figures). */
static int make_dir(struct db *d, int64_t now, char *out, size_t n)
{
	char db[900], parent[960], stamp[32];
	time_t tt = (time_t)now;
	struct tm tm;
	db_file(d, db, sizeof db);
	if (!*db)
		return ERR_NOTFOUND;
	snprintf(parent, sizeof parent, "%s-analysis", db);
	if (mkdir(parent, 0700) && errno != EEXIST)
		return ERR_IO;
	gmtime_r(&tt, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d_%H-%M-%S", &tm);
	for (int i = 1; i < 100; i++) {
		int len = i == 1 ? snprintf(out, n, "%s/%s", parent, stamp) : snprintf(out, n, "%s/%s-%d", parent, stamp, i);
		if (len < 0 || (size_t)len >= n)
			return ERR_LIMIT;
		if (!mkdir(out, 0750))
			return 0;
		if (errno != EEXIST)
			return ERR_IO;
	}
	return ERR_EXISTS;
}

int page_analysis_start(struct web_req *r, struct web_res *w)
{
	char t[48], by[128];
	pthread_mutex_lock(&mu);
	bool running = st.running;
	if (running)
		snprintf(by, sizeof by, "%s", st.by);
	int64_t started = st.started;
	pthread_mutex_unlock(&mu);
	if (running) {
		w->status = 409;
		return render(r, w, arena_printf(r->a, "Анализ уже идёт (запущен %s, запустил(а) %s): второй "
						  "запуск не нужен — дождитесь его окончания на этой странице.",
						  moment(t, sizeof t, started), by));
	}
	struct job *j = calloc(1, sizeof *j);
	if (!j)
		return ERR_NOMEM;
	db_url(r->db, j->db_path, sizeof j->db_path); /* what another connection opens */
	int rc = make_dir(r->db, r->now, j->dir, sizeof j->dir);
	if (rc) {
		free(j);
		w->status = 500;
		return render(r, w, "Не удалось создать каталог для файлов анализа рядом с базой данных.");
	}
	j->user = r->user;
	snprintf(j->ip, sizeof j->ip, "%s", r->ip ? r->ip : "");
	pthread_mutex_lock(&mu);
	if (st.running) { /* another request won the race since the check above */
		pthread_mutex_unlock(&mu);
		rmdir(j->dir);
		free(j);
		w->status = 409;
		return render(r, w, "Анализ уже идёт: дождитесь его окончания на этой странице.");
	}
	st.running = true;
	st.done = st.total = st.pack_done = st.pack_total = 0;
	st.started = r->now;
	snprintf(st.by, sizeof st.by, "%s", *r->user.name ? r->user.name : r->user.login);
	pthread_mutex_unlock(&mu);
	audit_add(r->db, &r->user, NULL, "analysis_start", NULL, j->dir, r->ip);

	pthread_attr_t attr;
	pthread_t th;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	char dir[1024];
	snprintf(dir, sizeof dir, "%s", j->dir);
	rc = pthread_create(&th, &attr, run_thread, j);
	pthread_attr_destroy(&attr);
	if (rc) {
		pthread_mutex_lock(&mu);
		st.running = false;
		pthread_mutex_unlock(&mu);
		rmdir(dir);
		free(j);
		w->status = 503;
		return render(r, w, "Сервер не смог начать анализ: попробуйте ещё раз через минуту.");
	}
	web_redirect(w, "/analysis");
	return 0;
}
