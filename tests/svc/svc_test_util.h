/*
 * svc_test_util.h - shared by the certsvc unit tests: a fresh temporary
 * data directory and its removal.
 */
#ifndef SVC_TEST_UTIL_H
#define SVC_TEST_UTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Makes a new empty directory under TMPDIR (or /tmp) into dir. */
static inline int
svc_test_tmpdir(char *dir, size_t len)
{
	const char *t = getenv("TMPDIR");
	int n;

	n = snprintf(dir, len, "%s/svc-test-XXXXXX", t != NULL ? t : "/tmp");
	if (n < 0 || (size_t)n >= len || mkdtemp(dir) == NULL) {
		fprintf(stderr, "cannot make a temporary directory\n");
		exit(1);
	}
	return 0;
}

/* Removes the files in dir (one level) and dir itself. */
static inline void
svc_test_rmdir(const char *dir)
{
	char path[4096];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) <
		    (int)sizeof(path))
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

#endif
