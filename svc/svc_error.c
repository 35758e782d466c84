/*
 * svc_error.c - the certsvc error table (svc_error.h), over libgmpki's.
 * Codes above -1000 belong to libgmpki and are answered from its table, so
 * callers print any code a certsvc function returns with one call.
 */
#include "svc_error.h"

#include <stddef.h>

#include "gmpki/error.h"

struct svc_err_entry {
	int code;
	const char *name;
	const char *zh;
	const char *en;
};

static const struct svc_err_entry svc_err_table[] = {
#define SVC_ERROR_ROW(name, code, zh, en) {(code), #name, zh, en},
	SVC_ERROR_TABLE(SVC_ERROR_ROW)
#undef SVC_ERROR_ROW
};

static const struct svc_err_entry *
svc_err_find(int code)
{
	size_t i;

	for (i = 0; i < sizeof(svc_err_table) / sizeof(svc_err_table[0]); i++)
		if (svc_err_table[i].code == code)
			return &svc_err_table[i];
	return NULL;
}

const char *
svc_strerror(int code)
{
	const struct svc_err_entry *e;

	if (code > -1000)
		return gmpki_strerror(code);
	e = svc_err_find(code);
	return e != NULL ? e->zh : "未知错误";
}

const char *
svc_strerror_en(int code)
{
	const struct svc_err_entry *e;

	if (code > -1000)
		return gmpki_strerror_en(code);
	e = svc_err_find(code);
	return e != NULL ? e->en : "unknown error";
}

const char *
svc_errname(int code)
{
	const struct svc_err_entry *e;

	if (code > -1000)
		return gmpki_errname(code);
	e = svc_err_find(code);
	return e != NULL ? e->name : "UNKNOWN";
}
