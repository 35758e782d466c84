/* error.c - the one table of libgmpki error codes and their messages. */
#include "gmpki/error.h"

#include <stddef.h>

struct err_entry {
	int code;
	const char *name;
	const char *zh;
	const char *en;
};

static const struct err_entry err_table[] = {
#define GMPKI_ERROR_ROW(name, code, zh, en) {(code), #name, zh, en},
	GMPKI_ERROR_TABLE(GMPKI_ERROR_ROW)
#undef GMPKI_ERROR_ROW
};

static const struct err_entry *
err_find(int code)
{
	size_t i;

	for (i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
		if (err_table[i].code == code)
			return &err_table[i];
	return NULL;
}

const char *
gmpki_strerror(int code)
{
	const struct err_entry *e = err_find(code);

	return e != NULL ? e->zh : "未知错误";
}

const char *
gmpki_strerror_en(int code)
{
	const struct err_entry *e = err_find(code);

	return e != NULL ? e->en : "unknown error";
}

const char *
gmpki_errname(int code)
{
	const struct err_entry *e = err_find(code);

	return e != NULL ? e->name : "UNKNOWN";
}
