/* err: descriptions of error codes. */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>

const char *err_str(int code)
{
	switch (code) {
	case ERR_OK: return "успешно";
	case ERR_NOMEM: return "недостаточно памяти";
	case ERR_IO: return "ошибка чтения или записи файла";
	case ERR_PARSE: return "файл повреждён или имеет неверную структуру";
	case ERR_INVALID: return "неверные данные";
	case ERR_NOTFOUND: return "не найдено";
	case ERR_DB: return "ошибка базы данных";
	case ERR_EXISTS: return "уже существует";
	case ERR_LIMIT: return "превышен допустимый размер";
	case ERR_PERM: return "нет прав";
	case ERR_FORMAT: return "неподдерживаемый формат файла";
	case ERR_ENCODING: return "неизвестная кодировка текста";
	case ERR_USAGE: return "неверные аргументы команды";
	case ERR_BUSY: return "база данных занята";
	case ERR_VERSION: return "база данных создана более новой версией oko";
	case ERR_CONFIRM: return "нужно подтверждение";
	}
	return "неизвестная ошибка";
}

void err_set(char *msg, size_t n, const char *fmt, ...)
{
	if (!msg || !n)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, n, fmt, ap);
	va_end(ap);
}
