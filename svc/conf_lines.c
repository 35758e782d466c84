/*
 * conf_lines.c - the "key = value" line reader shared by certsvc.conf,
 * certhelper.conf and reportsys.conf (each program keeps its own keys and
 * its own wording of errors).
 */
#include <string.h>

#include "config.h"
#include "svc_error.h"

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

int
svc_conf_each(char *text, svc_conf_fn fn, void *arg, int *bad_line)
{
	char *line, *next, *eq, *key;
	int n, rc;

	*bad_line = 0;
	for (n = 1, line = text; line != NULL && *line != '\0';
	    line = next, n++) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		line = trim(line);
		if (*line == '\0' || *line == '#')
			continue;
		if ((eq = strchr(line, '=')) == NULL) {
			*bad_line = n;
			return SVC_ERR_CONFIG;
		}
		*eq = '\0';
		if (*(key = trim(line)) == '\0') {
			*bad_line = n;
			return SVC_ERR_CONFIG;
		}
		if ((rc = fn(arg, key, trim(eq + 1), n)) != 0)
			return rc;
	}
	return 0;
}
