/*
 * fixture_dir: a private temporary directory for a test group (under
 * $TMPDIR, else /tmp), and its removal with the files the tests left in it
 * (one level: the store tests write only files: a database, its WAL and
 * shared-memory files).
 */
#ifndef KIOSK_FIXTURE_DIR_H
#define KIOSK_FIXTURE_DIR_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Make DIR (LEN bytes) a fresh directory named NAME.XXXXXX. 0, or -1. */
static inline int fxdir_make(char *dir, size_t len, const char *name)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, len, "%s/%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
	return mkdtemp(dir) ? 0 : -1;
}

/* Remove DIR and the files in it. Returns rmdir()'s result. */
static inline int fxdir_remove(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		char p[600];
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
			unlink(p);
		}
		closedir(d);
	}
	return rmdir(dir);
}

#endif
