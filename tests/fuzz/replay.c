/*
 * replay: runs a libFuzzer harness over files without libFuzzer, so every
 * seed corpus is replayed by ctest in the plain and the ASan+UBSan builds
 * (gcc). Arguments are files or directories (their regular files, not
 * recursive). Exits 0 when every input ran; a harness failure aborts.
 * An empty or missing corpus is an error: a replay that ran nothing proves
 * nothing.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { INPUT_MAX = 1 << 20 };

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		return -1;
	}
	uint8_t *buf = malloc(INPUT_MAX);
	size_t n = buf ? fread(buf, 1, INPUT_MAX, f) : 0;
	fclose(f);
	if (!buf)
		return -1;
	/* An exact-size copy, so ASan sees reads past the input's end. */
	uint8_t *exact = malloc(n ? n : 1);
	if (!exact) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	return 1;
}

int main(int argc, char **argv)
{
	long ran = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: no such file or directory: %s\n", argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (run_file(argv[i]) < 0)
				return 1;
			ran++;
			continue;
		}
		DIR *d = opendir(argv[i]);
		if (!d)
			return 1;
		struct dirent *e;
		while ((e = readdir(d))) {
			char path[4096];
			snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
			if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
				continue;
			if (run_file(path) < 0) {
				closedir(d);
				return 1;
			}
			ran++;
		}
		closedir(d);
	}
	printf("replay: %ld inputs\n", ran);
	return ran > 0 ? 0 : 1;
}
