/* oko: the command table and the entry point.
 *
 * Every command is a row here: name, function, one line for `oko help`, and the usage
 * text printed by `oko NAME --help` (and, all of them, by `oko help --man`: the man page).
 * The configuration file (cli/conf.h) is read first and sets the OKO_* variables it gives
 * that are not set. The database path comes from --db (anywhere on the line), else the
 * OKO_DB environment variable (or oko.conf's db), else ./oko.db. Exit status: 0 on success,
 * 2 for wrong usage or a bad configuration, 1 for any other error. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/log.h"
#include "cli/cli.h"
#include "cli/conf.h"
#include "cli/man.h"
#include "db/db.h"
#include "web/metrics.h"

/* The Makefile writes $(BUILD)/gen/version.h from `git describe` (or a VERSION file). */
#if __has_include("version.h")
#include "version.h"
#endif
#ifndef OKO_VERSION
#define OKO_VERSION "0.1.0"
#endif

static int cmd_help(struct cli *c, int argc, char **argv);
static int cmd_version(struct cli *c, int argc, char **argv);

static const struct cli_cmd commands[] = {
	{ "init", cmd_init, "создать пустую базу данных (или обновить схему существующей)",
	  "использование: oko init [--db ФАЙЛ]\n\n"
	  "Создаёт базу данных oko (по умолчанию ./oko.db, или путь из --db / OKO_DB).\n"
	  "Если база уже есть и создана более старой версией oko, обновляет её схему." },
	{ "import", cmd_import, "загрузить данные из файлов: школы, процедуры, КИМ, результаты",
	  "использование: oko import ВИД ФАЙЛ... [параметры]\n\n"
	  "ВИД:\n"
	  "  schools      список школ (CSV/XLSX: login,name,municipality,region,kind,settlement,indepth,\n"
	  "               address;\n"
	  "               или список ОО региона «логин, имя, регион», где «регион» — муниципалитет:\n"
	  "               регион тогда задаёт --region, тип школы определяется по названию)\n"
	  "  procedures   процедуры (procedure,kind,year,subject,grade,max_score,positions,scale)\n"
	  "  kim          описание КИМ: позиции, уровень сложности, максимальный балл\n"
	  "  results      результаты участников: канонический CSV, выгрузки ВПР 2021 и 2020,\n"
	  "               форма сбора результатов ФИС ОКО (макет определяется сам)\n"
	  "  plan         план-график (campaign,procedure,materials_from,window_from,window_to,\n"
	  "               criteria_from,form_from,upload_deadline; даты ГГГГ-ММ-ДД)\n"
	  "  sittings     даты и время проведения в школах (procedure,school,date,time): школа\n"
	  "               включается в процедуру плана-графика, дата — в пределах периода\n"
	  "  aliases      другие логины школ (login,alias): логин сменился между годами —\n"
	  "               школа одна (см. oko schools aliases)\n"
	  "  observers    реестр наблюдателей (id,name,kind,municipality,works_at,children_at,\n"
	  "               max_per_day,available) для кампании --campaign; см. oko observers --help\n"
	  "  acts         бумажные акты наблюдения, набранные позже (procedure,school,observer_id,\n"
	  "               started,ended,stages,no_violations,violations,comment)\n"
	  "  experts      реестр экспертов перепроверки (id,name,municipality,subjects,works_at,\n"
	  "               children_at,max_works,login); см. oko recheck --help\n"
	  "  rechecks     проверки работ экспертами с бумажных протоколов (procedure,school,code,\n"
	  "               check,expert, затем баллы p1…pK или по меткам позиций)\n"
	  "  measures     таблица плана мероприятий (№, мероприятие, срок, ответственный, ожидаемый\n"
	  "               результат) в план --plan N; см. oko measures --help\n"
	  "  medalists    медалисты (school,year,code,medal); см. oko medalists --help\n"
	  "  teachers     учителя классов (school,class,subject,teacher) за год --year ГГГГ или\n"
	  "               по процедуре --procedure КОД; см. oko teachers --help\n\n"
	  "Описание процедуры (procedures), пример:\n"
	  "  procedure,kind,year,subject,grade,max_score,positions,scale\n"
	  "  VPR-2021-MA-4,VPR,2021,MA,4,20,1:1:Б 2:1:Б 3:2:Б 4:1:Б 5.1:1:Б 5.2:1:Б 6.1:1:Б 6.2:1:Б 7:1:Б 8:2:Б 9.1:1:Б 9.2:1:Б 10:2:П 11:2:Б 12:2:П,6/10/14\n"
	  "  positions — позиции через пробел: метка:максимум:уровень (Б, П или В; уровень можно\n"
	  "  не указывать: 1:1); max_score — сумма максимумов; scale — нижние границы отметок\n"
	  "  «3»/«4»/«5» (6/10/14: 0–5 — «2», 6–9 — «3», 10–13 — «4», 14 и выше — «5»).\n"
	  "Процедуру, которой нет в базе, oko берёт из своего каталога официальных структур ВПР;\n"
	  "если нет и там — по форме ФИС ОКО (заголовки «N (kб)») или предлагает по файлу.\n\n"
	  "Файл загружается целиком или не загружается совсем: при любой ошибке база не меняется,\n"
	  "а все найденные ошибки перечисляются с указанием листа, строки, столбца и значения.\n"
	  "CSV может быть в UTF-8 или Windows-1251, с разделителем «,» или «;».\n\n"
	  "параметры:\n"
	  "  --procedure КОД   процедура (для КИМ и для файлов результатов, где её нет),\n"
	  "                    например VPR-2021-RU-4\n"
	  "  --scale a/b/c     шкала перевода в отметки для описания КИМ, например 14/24/33\n"
	  "  --year ГГГГ       учебный год процедур (для учителей: teachers)\n"
	  "  --dry-run         только проверить файл, ничего не сохранять\n"
	  "  --strict          строгая проверка: невозможный балл (отрицательный или больше 200)\n"
	  "                    отклоняет файл, а не только отмечает строку\n"
	  "  --accept-inferred процедуры нет ни в базе, ни в каталоге oko: создать её по файлу\n"
	  "                    (позиции — столбцы по номерам, максимумы — наибольшие баллы в\n"
	  "                    файле); без этого параметра oko только предлагает такое описание\n"
	  "  --report ФАЙЛ     записать найденные ошибки в CSV\n"
	  "  --user ИМЯ        кто загружает (записывается в историю загрузок; по умолчанию $USER)\n"
	  "  --region НАЗВАНИЕ регион для школ, впервые встреченных в файле результатов\n"
	  "  --campaign НАЗВАНИЕ кампания для реестра наблюдателей (observers)\n"
	  "  --db ФАЙЛ         база данных (по умолчанию OKO_DB или ./oko.db)" },
	{ "schools", cmd_schools, "реестр школ: список, псевдонимы логинов (одна школа — несколько логинов)",
	  "использование: oko schools list [--guessed]\n"
	  "       oko schools aliases [--all] [--propose]\n"
	  "       oko schools alias ДРУГОЙ_ЛОГИН --of ЛОГИН\n"
	  "       oko schools confirm ДРУГОЙ_ЛОГИН\n"
	  "       oko schools reject ДРУГОЙ_ЛОГИН\n\n"
	  "list     — школы: логин, название, муниципалитет, тип (с --guessed — только те, чей\n"
	  "           тип определён по названию: проверьте их) и другие логины школы.\n"
	  "aliases  — предложения объединить школы: логин другой школы с теми же цифрами\n"
	  "           (в 2020–2021 годах sch223017, в 2022 — edu223017). --propose ищет их по\n"
	  "           всему реестру, --all показывает и решённые.\n"
	  "alias    — указать, что ДРУГОЙ_ЛОГИН — логин школы ЛОГИН.\n"
	  "confirm  — подтвердить предложение: две школы становятся одной (результаты, история\n"
	  "           загрузок, план-график и материалы переходят к ней). Нельзя, если у второй\n"
	  "           школы есть ученики или пользователи, или обе школы писали одну процедуру.\n"
	  "reject   — отклонить предложение: это разные школы.\n"
	  "Те же действия — на веб-странице «Школы» у регионального координатора." },
	{ "export", cmd_export, "выгрузить результаты процедуры или акты наблюдения в CSV или XLSX",
	  "использование: oko export results --procedure КОД [--format csv|xlsx] [--out ФАЙЛ]\n"
	  "       oko export acts [--campaign КАМПАНИЯ] [--format csv|xlsx] [--out ФАЙЛ]\n\n"
	  "Выгружает результаты процедуры в каноническом макете oko (school, procedure, code,\n"
	  "class, variant, gender, journal_mark, absent, total и баллы по позициям под их\n"
	  "метками). Такой файл снова загружается командой «oko import results».\n\n"
	  "параметры:\n"
	  "acts выгружает акты наблюдения кампании (без --campaign — все) в таблице procedure,\n"
	  "school, observer_id, started, ended, stages, no_violations, violations, comment;\n"
	  "её же читает «oko import acts».\n\n"
	  "параметры:\n"
	  "  --procedure КОД   процедура, например VPR-2021-RU-4\n"
	  "  --campaign К      кампания (для acts)\n"
	  "  --format ФОРМАТ   csv (по умолчанию) или xlsx\n"
	  "  --out ФАЙЛ        куда писать (для CSV по умолчанию — стандартный вывод)" },
	{ "demo", cmd_demo, "заполнить базу демонстрационным регионом (синтетические данные)",
	  "использование: oko demo [параметры] [--db ФАЙЛ]\n\n"
	  "Создаёт вымышленный регион (по умолчанию 20 муниципалитетов, 600 школ, ВПР по русскому\n"
	  "языку и математике в 4–8 классах за 2020 и 2021 годы, в 10 % школ заложены искажения)\n"
	  "и загружает его в базу данных обычными загрузчиками: школы, процедуры, результаты.\n"
	  "Если в базе уже есть результаты, команда ничего не делает без --force.\n\n"
	  "параметры:\n"
	  "  --force               загрузить, даже если в базе уже есть результаты\n"
	  "  --keep КАТАЛОГ        сохранить сгенерированные CSV и truth.csv в КАТАЛОГ\n"
	  "  --schools, --municipalities, --years, --subjects, --grades, --seed, --icc,\n"
	  "  --absent, --manipulated, --kinds, --strength, --variant-sd, --not-taught,\n"
	  "  --region — как у oko gen\n"
	  "  --db ФАЙЛ             база данных (по умолчанию OKO_DB или ./oko.db)" },
	{ "gen", cmd_gen, "создать синтетический регион с известной правдой (CSV, без базы)",
	  "использование: oko gen --out КАТАЛОГ [параметры]\n\n"
	  "Пишет в КАТАЛОГ вымышленный регион в каноническом CSV: schools.csv, procedures.csv,\n"
	  "results.csv, а также truth.csv — какие искажения где заложены (school, procedure,\n"
	  "year, kind, strength, class) — и README с параметрами. Те же параметры и seed дают\n"
	  "те же файлы байт в байт. Модель описана в docs/generator.md.\n\n"
	  "параметры:\n"
	  "  --out КАТАЛОГ         куда писать (создаётся; файлы с теми же именами заменяются)\n"
	  "  --schools N           число школ (по умолчанию 600)\n"
	  "  --municipalities M    число муниципалитетов (по умолчанию 20, или школы/30)\n"
	  "  --years 2020-2021     годы проведения (год или диапазон)\n"
	  "  --subjects RU,MA      предметы (коды RU MA OM BI IS GG OB FI HI EN DE FR LI IN)\n"
	  "  --grades 4-8          классы (класс или диапазон)\n"
	  "  --seed S              начальное значение генератора (по умолчанию 1)\n"
	  "  --icc R               доля различий способностей между школами (по умолчанию 0.2)\n"
	  "  --absent ДОЛЯ         доля отсутствовавших (по умолчанию 0.08)\n"
	  "  --manipulated ДОЛЯ    доля школ с заложенными искажениями (по умолчанию 0.1)\n"
	  "  --kinds СПИСОК        виды искажений: boundary (подтягивание к границе отметки),\n"
	  "                        lenient (мягкая проверка), help (помощь на трудных заданиях),\n"
	  "                        journal (завышенные отметки в журнале), copy (списывание),\n"
	  "                        jump (резкий скачок результатов за год), medal (медали\n"
	  "                        слабым выпускникам, с --exams), teacher (учитель завышает\n"
	  "                        отметки своих классов, с --teachers); all или none\n"
	  "  --strength S          сила искажений от 0 до 1 (по умолчанию 0.5)\n"
	  "  --variant-sd S        свои варианты у каждой школы: разброс трудности заданий\n"
	  "                        между вариантами (логиты, по умолчанию 0 — одна работа)\n"
	  "  --not-taught ДОЛЯ     доля пар «класс — задание», тема которого в классе ещё\n"
	  "                        не пройдена: весь класс получает 0 (по умолчанию 0)\n"
	  "  --exams               ещё ОГЭ (русский язык, математика, 9 класс) и ЕГЭ (русский\n"
	  "                        язык, профильная математика, 11 класс) каждого года, столбцы\n"
	  "                        mark и test_score в results.csv и медалисты (medalists.csv)\n"
	  "  --teachers            ещё учителя классов по предметам (teachers_ГОД.csv)\n"
	  "  --region НАЗВАНИЕ     название региона\n"
	  "  --stats               показать скорость и пиковую память\n"
	  "  --quiet               ничего не печатать при успехе" },
	{ "analyze", cmd_analyze, "признаки необъективности, риск и список школ по всем процедурам",
	  "использование: oko analyze --out КАТАЛОГ [--year ГОД] [--procedure КОД] [параметры]\n\n"
	  "Вычисляет по результатам в базе официальные признаки 2019 года (завышенный средний балл,\n"
	  "несоответствие отметкам в журнале, резкий рост или падение параллели), опубликованные\n"
	  "критерии и собственные признаки oko, непрерывный риск и список школ с контролем доли\n"
	  "ложных обнаружений. Анализируются все процедуры, по которым есть результаты (или\n"
	  "выбранные); для сравнения параллелей подгружаются процедуры предыдущего года.\n\n"
	  "В КАТАЛОГ пишутся: signs.csv (каждый признак каждой школы с исходными числами),\n"
	  "schools.csv (признаки, риск, место, список), region.csv (показатель объективности и\n"
	  "избыток у границ отметок по процедурам), municipalities.csv (избыток у границ по\n"
	  "муниципалитетам), official_list.xlsx (официальный список ОО с маркерами по\n"
	  "процедурам). Запуск сохраняется в базе для веб-интерфейса.\n\n"
	  "параметры:\n"
	  "  --out КАТАЛОГ      куда писать файлы (создаётся)\n"
	  "  --year ГОД         только процедуры этого года\n"
	  "  --procedure КОД    только эта процедура, например VPR-2021-RU-4\n"
	  "  --q ДОЛЯ           допустимая доля ложных обнаружений (по умолчанию 0.05)\n"
	  "  --threads N        потоков загрузки и анализа (по умолчанию — число ядер)\n"
	  "  --no-store         не сохранять запуск в базе\n"
	  "  --time             показать время этапов\n"
	  "  --quiet            ничего не печатать при успехе\n"
	  "  --db ФАЙЛ          база данных (по умолчанию OKO_DB или ./oko.db)" },
	{ "analyze-histogram", cmd_analyze_histogram,
	  "избыток работ у границ отметок по одному распределению баллов",
	  "использование: oko analyze-histogram --counts ФАЙЛ --boundaries 14,24,33 [--out ФАЙЛ]\n\n"
	  "Оценивает по распределению первичных баллов (CSV «балл,количество», например из\n"
	  "регионального отчёта) избыток работ на границе каждой отметки и недостачу под ней\n"
	  "с бутстрэп-интервалом (метод Chetty и др., 2011). Печатает таблицу; с --out пишет CSV.\n\n"
	  "параметры:\n"
	  "  --counts ФАЙЛ       распределение: строки «балл,количество» (заголовок допускается)\n"
	  "  --boundaries СПИСОК нижние границы отметок, например 14,24,33\n"
	  "  --out ФАЙЛ          записать результат в CSV\n"
	  "  --boot N            повторов бутстрэпа (по умолчанию 1000; 0 — без интервала)\n"
	  "  --degree D          степень многочлена (по умолчанию 4)\n"
	  "  --below K, --above K окно: K баллов ниже границы и от неё (по умолчанию 2 и 1)\n"
	  "  --bootstrap residual|multinomial|delta  (delta — интервал по дельта-методу, без\n"
	  "                      повторов), --link log|identity, --seed S" },
	{ "pupils", cmd_pupils, "ученики школы: загрузить список классов, показать с кодами, удалить ФИО",
	  "использование: oko pupils import ФАЙЛ --school ЛОГИН [--year ГОД] [--dry-run]\n"
	  "       oko pupils list --school ЛОГИН [--year ГОД] [--class 4А]\n"
	  "       oko pupils delete --school ЛОГИН --code КОД [--year ГОД]\n"
	  "       oko pupils purge [--dry-run]\n\n"
	  "import загружает список классов (CSV или XLSX) со столбцами «Класс» и «ФИО»\n"
	  "(или «Фамилия», «Имя», «Отчество»). Ученики, уже известные oko (тот же класс и ФИО),\n"
	  "не дублируются и сохраняют свои коды. Файл загружается целиком или не загружается.\n"
	  "ФИО хранятся в базе только в зашифрованном виде; ключ — в файле рядом с базой\n"
	  "(ФАЙЛ_БАЗЫ.key или OKO_KEY_FILE), см. docs/personal-data.md.\n\n"
	  "list печатает класс, код и ФИО (CSV). Командная строка — это оператор сервера: у него\n"
	  "есть и база, и файл ключа, поэтому ему видны ФИО. Удалённое ФИО печатается пустым.\n\n"
	  "delete удаляет ФИО одного ученика школы по его коду участника; код, класс и результаты\n"
	  "по коду остаются. Без --year код ищется во всех учебных годах (если он есть в нескольких,\n"
	  "укажите --year). Пример: oko pupils delete --school sch220206 --code 41234\n\n"
	  "purge удаляет ФИО, срок хранения которых истёк: срок (oko settings\n"
	  "pupil-names-retention, по умолчанию 12 месяцев) считается от окончания учебного года\n"
	  "списка класса (1 сентября) и не меньше — от дня, когда ФИО внесли. Печатает число ФИО\n"
	  "по школам; с --dry-run только считает. Коды и результаты остаются. oko serve делает то\n"
	  "же при запуске и раз в сутки. Пример: oko pupils purge --dry-run\n\n"
	  "параметры:\n"
	  "  --school ЛОГИН   школа, например sch220206\n"
	  "  --year ГОД       учебный год по году его окончания (2021 = 2020/21; по умолчанию текущий,\n"
	  "                   для delete — любой)\n"
	  "  --class КЛАСС    только этот класс\n"
	  "  --code КОД       код участника ученика (для delete)\n"
	  "  --dry-run        только проверить файл (import) или посчитать (purge)" },
	{ "codes", cmd_codes, "выдать ученикам школы коды участников на учебный год",
	  "использование: oko codes issue --school ЛОГИН [--year ГОД]\n\n"
	  "Выдаёт код участника каждому ученику, у которого его ещё нет: один код на все работы\n"
	  "учебного года, уникальный в школе; первые цифры — номер класса (4 класс → 4xxxx,\n"
	  "10 класс → 10xxxx), остальные случайные. Выданные коды не меняются." },
	{ "print", cmd_print, "напечатать коды участников для разрезания или протокол кодов и ФИО (PDF)",
	  "использование: oko print slips|protocol --school ЛОГИН --out ФАЙЛ.pdf [--class 4А]\n"
	  "                 [--year ГОД] [--procedure КОД]\n\n"
	  "slips     — листы с кодами участников для разрезания (школа, класс, код, ФИО);\n"
	  "protocol  — протокол соответствия кодов и ФИО (по классу на страницу: №, код, класс,\n"
	  "            ФИО, вариант, подпись). Протокол остаётся в школе." },
	{ "form", cmd_form, "форма сбора результатов школы по процедуре (XLSX, макет ФИС ОКО)",
	  "использование: oko form --school ЛОГИН --procedure КОД --out ФАЙЛ.xlsx\n\n"
	  "Пишет форму сбора результатов в макете ФИС ОКО: лист «Классы» (классы параллели) и\n"
	  "лист «Протокол» — по строке на каждый код участника параллели (коды учеников этого\n"
	  "учебного года и коды, по которым результаты уже загружены, с этими результатами).\n"
	  "В заголовках позиций — максимальный балл, в ячейках — подсказки ввода. ФИО в форму\n"
	  "не попадают. Заполненная форма загружается командой «oko import results ФАЙЛ»:\n"
	  "процедура определяется по листу «Классы» (для ВПР), иначе укажите --procedure." },
	{ "plan", cmd_plan, "план-график: назначить школы, дата проведения школы, печать (PDF)",
	  "использование: oko plan assign --campaign КАМПАНИЯ [--procedure КОД]\n"
	  "                 (--school ЛОГИН | --municipality НАЗВАНИЕ | --all)\n"
	  "       oko plan date --school ЛОГИН --procedure КОД --date ГГГГ-ММ-ДД --time ЧЧ:ММ\n"
	  "                 [--class 4А]\n"
	  "       oko plan print --campaign КАМПАНИЯ [--school ЛОГИН] --out ФАЙЛ.pdf\n"
	  "       oko plan unassign --procedure КОД --school ЛОГИН\n\n"
	  "Кампании и даты процедур загружаются командой «oko import plan ФАЙЛ» (столбцы campaign,\n"
	  "procedure, materials_from, window_from, window_to, criteria_from, form_from,\n"
	  "upload_deadline; см. docs/plan.md).\n"
	  "assign — назначить участниками школу, все школы муниципалитета или все школы региона\n"
	  "         (на одну процедуру или, без --procedure, на все процедуры кампании);\n"
	  "date   — дата и время проведения в школе, в пределах периода проведения; одни для всех\n"
	  "         классов параллели (с --class другое время для одного класса не принимается);\n"
	  "print  — документ «план-график» (PDF): процедуры с датами; с --school — даты школы;\n"
	  "unassign — снять школу с процедуры (её дата и назначенный наблюдатель отменяются);\n"
	  "         отказ, если школа уже участвовала (есть результаты, акт наблюдения, отметка о\n"
	  "         видеонаблюдении, выданные материалы) или это последняя назначенная школа.\n"
	  "         Пример: oko plan unassign --procedure VPR-2021-MA-4 --school sch220206" },
	{ "observers", cmd_observers, "наблюдатели: реестр, назначение на проведение, расписание",
	  "использование: oko observers import ФАЙЛ --campaign КАМПАНИЯ [--dry-run] [--report ФАЙЛ]\n"
	  "       oko observers list [--campaign КАМПАНИЯ]\n"
	  "       oko observers assign --campaign КАМПАНИЯ [--seed S] [--dry-run]\n"
	  "       oko observers set --campaign КАМПАНИЯ --procedure КОД --school ЛОГИН\n"
	  "                 (--observer КОД | --none)\n"
	  "       oko observers export --campaign КАМПАНИЯ --format csv|xlsx|pdf [--out ФАЙЛ]\n"
	  "       oko observers coverage --campaign КАМПАНИЯ [--by municipality|kind|risk]\n"
	  "                 --format csv|xlsx [--out ФАЙЛ]\n"
	  "       oko observers link --observer КОД --login ЛОГИН\n"
	  "       oko observers reveal --campaign КАМПАНИЯ (--day | --always)\n\n"
	  "import  — реестр наблюдателей (CSV или XLSX, UTF-8 или Windows-1251): id, name (ФИО),\n"
	  "          kind (общественный или специалист), municipality, works_at (логины школ, где\n"
	  "          человек работает, через пробел), children_at (логины школ, где участвуют его\n"
	  "          дети), max_per_day (наблюдений в день, по умолчанию 1), available (даты\n"
	  "          ГГГГ-ММ-ДД через пробел в пределах кампании; пусто — любой день). Файл\n"
	  "          загружается целиком или не загружается; то же — «oko import observers».\n"
	  "list    — реестр в том же виде (CSV) и число назначений в кампании (assigned).\n"
	  "assign  — назначить наблюдателей на проведения (процедура в школе в назначенные день\n"
	  "          и время) оптимально: сначала школы списка риска и с официальными признаками,\n"
	  "          затем как можно больше остальных, затем наблюдатели своего муниципалитета,\n"
	  "          затем равная нагрузка. Никогда — в школу, где наблюдатель работает или\n"
	  "          участвуют его дети; не в два места в одно время; не больше max_per_day в\n"
	  "          день; только в доступные дни. Из равноценных назначений выбирается случайное\n"
	  "          по --seed (по умолчанию — от часов; печатается, чтобы повторить). Ручные\n"
	  "          назначения сохраняются, как и наблюдатели проведений, которые уже прошли\n"
	  "          или по которым есть акт. --dry-run — только рассчитать и показать итог.\n"
	  "set     — назначить наблюдателя вручную (или снять: --none). Нарушение обязательного\n"
	  "          правила — отказ с причиной; отступление от предпочтений — замечание.\n"
	  "export  — расписание наблюдателей: CSV (date,time,procedure,school,observer_id,\n"
	  "          observer,kind, по датам), XLSX и PDF — приложения к приказу (специалисты;\n"
	  "          общественные наблюдатели по школам).\n"
	  "coverage — охват наблюдением по муниципалитетам, типам школ или статусу риска:\n"
	  "          проведений, с наблюдателем, из списка риска, актов, с нарушениями, видео.\n"
	  "link    — связать наблюдателя с пользователем роли observer (вход в веб-интерфейс).\n"
	  "reveal  — когда школа видит своего наблюдателя: --day — только в день проведения,\n"
	  "          --always — сразу после назначения.\n"
	  "Бумажные акты наблюдения: «oko import acts ФАЙЛ», «oko export acts --campaign К»." },
	{ "recheck", cmd_recheck, cmd_recheck_summary, cmd_recheck_usage },
	{ "measures", cmd_measures, cmd_measures_summary, cmd_measures_usage },
	{ "document", cmd_document, cmd_document_summary, cmd_document_usage },
	{ "settings", cmd_settings, cmd_settings_summary, cmd_settings_usage },
	{ "medalists", cmd_medalists, cmd_medalists_summary, cmd_medalists_usage },
	{ "teachers", cmd_teachers, cmd_teachers_summary, cmd_teachers_usage },
	{ "db", cmd_db, cmd_db_summary, cmd_db_usage },
	{ "backup", cmd_backup, cmd_backup_summary, cmd_backup_usage },
	{ "restore", cmd_restore, cmd_restore_summary, cmd_restore_usage },
	{ "check", cmd_check, cmd_check_summary, cmd_check_usage },
	{ "monitoring", cmd_monitoring, "мониторинг загрузки результатов по процедуре (CSV, XLSX)",
	  "использование: oko monitoring --procedure КОД [--municipality НАЗВАНИЕ] [--summary]\n"
	  "                 [--format csv|xlsx] [--out ФАЙЛ]\n\n"
	  "Список школ процедуры: загрузили в срок, с опозданием (первая загрузка позже дня срока,\n"
	  "UTC), нет результатов (срок не прошёл / срок прошёл), загрузили без назначения.\n"
	  "--summary печатает число школ по муниципалитетам. Срок загрузки — из плана-графика." },
	{ "materials", cmd_materials, "конфиденциальные материалы (КИМ): банк вариантов, время выдачи, архивы",
	  "использование: oko materials add ФАЙЛ --procedure КОД (--variant N | --criteria)\n"
	  "       oko materials schedule --procedure КОД --archive-at T --key-at T --criteria-at T\n"
	  "       oko materials assign --procedure КОД\n"
	  "       oko materials fetch archive|key|criteria --procedure КОД --school ЛОГИН --out ФАЙЛ\n"
	  "       oko materials open АРХИВ --key КЛЮЧ --out КАТАЛОГ\n\n"
	  "add добавляет файл варианта (или критериев) в банк процедуры; файлы хранятся в\n"
	  "каталоге ФАЙЛ_БАЗЫ.files рядом с базой. schedule назначает время (UTC, часы сервера,\n"
	  "ГГГГ-ММ-ДДTЧЧ:ММ:ССZ): с какого момента выдаются зашифрованный архив, ключ к нему и\n"
	  "критерии. assign выбирает каждой школе свой набор вариантов. fetch выдаёт материал\n"
	  "школы (раньше назначенного времени — отказ); каждая выдача и отказ записываются.\n"
	  "open расшифровывает архив ключом в каталог. См. docs/materials.md." },
	{ "keys", cmd_keys, "ключи шифрования персональных данных: где лежит, заменить главный или школы",
	  "использование: oko keys path | oko keys rotate [--school ЛОГИН] | oko keys repad\n\n"
	  "path    — показать путь к файлу главного ключа (ФАЙЛ_БАЗЫ.key или OKO_KEY_FILE).\n"
	  "rotate  — создать новый главный ключ и перешифровать им ключи школ; старый файл\n"
	  "          сохраняется как ФАЙЛ.key.old — удалите его после резервного копирования нового.\n"
	  "rotate --school ЛОГИН — заменить ключ одной школы: ФИО её учеников и учителей\n"
	  "          перешифровываются новым ключом, старый ключ школы уничтожается (одна\n"
	  "          транзакция). Пример: oko keys rotate --school sch220206\n"
	  "repad   — перешифровать ФИО, сохранённые версией oko до выравнивания длины: в базе\n"
	  "          по ним видна длина ФИО (новые записи выравниваются сами).\n"
	  "Храните копию файла ключа отдельно от копии базы: без ключа ФИО не восстановить,\n"
	  "а база вместе с ключом раскрывает всё." },
	{ "serve", cmd_serve, "веб-интерфейс и API на этом компьютере",
	  "использование: oko serve [--listen АДРЕС:ПОРТ] [--threads N] [--quiet] [--secure-cookies]\n"
	  "                 [--upload-wait СЕКУНДЫ] [--upload-memory МБ]\n"
	  "                 [--trusted-proxy АДРЕС[,АДРЕС…]]\n\n"
	  "Запускает веб-интерфейс oko (по умолчанию http://127.0.0.1:8080) и JSON API /api/v1/.\n"
	  "Останавливается по Ctrl+C или SIGTERM, дав завершиться текущим запросам.\n\n"
	  "параметры:\n"
	  "  --listen АДРЕС:ПОРТ  где слушать, например 0.0.0.0:8080 или [::1]:8080\n"
	  "  --threads N          рабочих потоков (по умолчанию — число ядер)\n"
	  "  --quiet              не писать журнал запросов\n"
	  "  --secure-cookies     всегда помечать cookie как Secure и велеть браузерам\n"
	  "                       ходить только по HTTPS (HSTS); для работы за HTTPS-прокси\n"
	  "  --trusted-proxy А    адреса или сети (10.0.0.0/8) обратных прокси, которым\n"
	  "                       верить: только от них принимаются X-Forwarded-For (адрес\n"
	  "                       клиента), X-Forwarded-Proto и X-Forwarded-Host\n"
	  "  --upload-wait С      сколько загрузка ждёт своей очереди на запись, пока\n"
	  "                       сохраняется другая (по умолчанию 60 с); потом ответ\n"
	  "                       «сервер занят, повторите»\n"
	  "  --upload-memory МБ   сколько памяти занимают все принимаемые файлы вместе\n"
	  "                       (по умолчанию 256 МБ; файлы хранятся только в памяти,\n"
	  "                       не на диске); сверх этого — ответ «сервер занят, повторите»" },
	{ "user", cmd_user, "пользователи: добавить, сменить пароль, список, ключи API",
	  "использование: oko user add ЛОГИН --role РОЛЬ [--scope ТЕРРИТОРИЯ] [--name ИМЯ] [--password П]\n"
	  "       oko user passwd ЛОГИН [--password П]\n"
	  "       oko user list\n"
	  "       oko user token [create] ЛОГИН [--label МЕТКА] [--days N] [--metrics]\n"
	  "       oko user token list [ЛОГИН] [--all]\n"
	  "       oko user token revoke НОМЕР\n"
	  "       oko user token revoke-all ЛОГИН\n\n"
	  "Роли: admin, region, municipality (--scope: название муниципалитета),\n"
	  "school (--scope: логин школы), expert, observer.\n"
	  "Без --password пароль читается с терминала (без эха) или из стандартного ввода.\n"
	  "Пароль — не короче 10 символов; частые пароли (qwerty, йцукен, пароль, даты,\n"
	  "1234567890 и им подобные, также с цифрами и знаками вокруг) и логин не принимаются.\n"
	  "passwd закрывает сеансы пользователя и отзывает его ключи API.\n"
	  "token выдаёт ключ для JSON API (заголовок «Authorization: Bearer КЛЮЧ») на --days дней\n"
	  "(по умолчанию 90, не больше 365); ключ администратора открывает и /metrics.\n"
	  "С --metrics ключ открывает только /metrics (счётчики для Prometheus), и то лишь\n"
	  "администратору; результатов, рисков и признаков он не читает.\n"
	  "list — действующие ключи (--all — и истёкшие, отозванные) с номерами и доступом;\n"
	  "revoke — отозвать ключ по номеру; revoke-all — все ключи пользователя.\n"
	  "Пользователю с логином create, list, revoke или revoke-all ключ выдаётся командой\n"
	  "«oko user token create ЛОГИН»." },
	{ "version", cmd_version, "показать версию oko",
	  "использование: oko version\n\n"
	  "Печатает версию oko (метку git, из которой собрана программа) и номер схемы базы\n"
	  "данных, которую она создаёт. То же — oko --version." },
	{ "help", cmd_help, "список команд или справка по команде",
	  "использование: oko help [КОМАНДА]\n"
	  "       oko help --man\n\n"
	  "Без аргумента — список команд; с КОМАНДОЙ — её справка (то же, что oko КОМАНДА --help).\n"
	  "--man печатает страницу руководства oko(1) в формате troff: все команды с их\n"
	  "справкой, переменные окружения и файл настроек, например:\n"
	  "  oko help --man > oko.1 && man -l oko.1" },
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

static const struct cli_cmd *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int cmd_help(struct cli *c, int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--man")) {
		man_write(stdout, commands, NCOMMANDS, OKO_VERSION);
		return fflush(stdout) ? ERR_IO : 0;
	}
	if (argc > 1) {
		const struct cli_cmd *cmd = find_command(argv[1]);
		if (!cmd)
			return cli_usage_error(c, "неизвестная команда «%s»", argv[1]);
		printf("%s\n", cmd->usage);
		return 0;
	}
	printf("oko — объективность результатов оценочных процедур\n\n"
	       "использование: oko КОМАНДА [параметры] [--db ФАЙЛ]\n\nкоманды:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		printf("  %-18s %s\n", commands[i].name, commands[i].summary);
	printf("\nСправка по команде: oko КОМАНДА --help\n"
	       "База данных: --db ФАЙЛ, иначе переменная OKO_DB, иначе db в файле настроек\n"
	       "/etc/oko/oko.conf (или OKO_CONF), иначе ./oko.db. Руководство: man oko\n");
	return 0;
}

static int cmd_version(struct cli *c, int argc, char **argv)
{
	printf("oko %s (схема базы данных %d)\n", OKO_VERSION, db_schema_latest());
	return 0;
}

/* Removes "--db PATH" / "--db=PATH" from argv wherever it stands. */
static int take_db_option(int *argc, char **argv, const char **path)
{
	int n = 0;
	for (int i = 0; i < *argc; i++) {
		if (!strcmp(argv[i], "--db")) {
			if (i + 1 >= *argc) {
				fprintf(stderr, "oko: у параметра --db нет значения\n");
				return ERR_USAGE;
			}
			*path = argv[++i];
		} else if (!strncmp(argv[i], "--db=", 5)) {
			*path = argv[i] + 5;
		} else {
			argv[n++] = argv[i];
		}
	}
	*argc = n;
	return 0;
}

int main(int argc, char **argv)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	/* The configuration file first: it sets the variables the rest reads. */
	char conf_msg[2048];
	if (conf_load(conf_msg, sizeof conf_msg) || conf_check_env(conf_msg, sizeof conf_msg)) {
		fprintf(stderr, "oko: %s\n", conf_msg);
		return 2;
	}
	log_init_from_env();
	metrics_set_version(OKO_VERSION); /* oko_build_info of /metrics */
	struct cli c = { 0 };
	const char *env = getenv("OKO_DB");
	c.db_path = env && *env ? env : "oko.db";
	if (take_db_option(&argc, argv, &c.db_path))
		return 2;
	if (argc < 2) {
		cmd_help(&c, 1, argv);
		return 2;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		name = "help";
	if (!strcmp(name, "--version"))
		name = "version";
	c.cmd = find_command(name);
	if (!c.cmd) {
		fprintf(stderr, "oko: неизвестная команда «%s»; список команд: oko help\n", argv[1]);
		return 2;
	}
	int rc = c.cmd->run(&c, argc - 1, argv + 1);
	if (rc == ERR_USAGE)
		return 2;
	return rc ? 1 : 0;
}
