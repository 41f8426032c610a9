/*
 * test_png: the screenshot writer (app/png.c).
 *
 * Writes small images with known pixels (rows padded, alpha varying) into a
 * temporary directory and reads them back with libpng's simplified
 * png_image API, which must find an opaque RGB file holding exactly the
 * colours written. The failure tests check that each way of failing (no such
 * directory, a directory in the way of the rename, an error inside libpng,
 * bad arguments) returns -1 with a readable reason and leaves neither PATH
 * nor PATH.tmp behind.
 *
 * app/png.h has the same name as libpng's header, so libpng is included by
 * its versioned directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpng16/png.h>

#include "png.h"

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Each test gets a fresh directory in *STATE, removed even when it fails. */
static int setup_dir(void **state)
{
	char tmpl[] = "/tmp/test_png.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		return -1;
	*state = strdup(tmpl);
	return *state != NULL ? 0 : -1;
}

static int teardown_dir(void **state)
{
	nftw(*state, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(*state);
	return 0;
}

static void path_in(char *out, size_t len, const char *dir, const char *name)
{
	int n = snprintf(out, len, "%s/%s", dir, name);

	assert_true(n > 0 && (size_t)n < len);
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Neither PATH nor PATH.tmp exists. */
static void assert_no_output(const char *path)
{
	char tmp[4200];

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_false(exists(path));
	assert_false(exists(tmp));
}

enum { W = 5, H = 3, PITCH = W * 4 + 7 }; /* rows padded with 7 junk bytes */

/* The test image: every pixel different, alpha 0, 128 and 255 mixed. */
static void make_pixels(uint8_t *px, int seed)
{
	memset(px, 0xee, (size_t)PITCH * H);
	for (int y = 0; y < H; y++) {
		for (int x = 0; x < W; x++) {
			uint8_t *p = px + y * PITCH + x * 4;

			p[0] = (uint8_t)(x * 50 + seed);
			p[1] = (uint8_t)(y * 80 + 3);
			p[2] = (uint8_t)((x + y) * 20 + 1);
			p[3] = (uint8_t)((x + y) % 3 == 0 ? 0 : (x + y) % 3 == 1 ? 128 : 255);
		}
	}
}

/* Read PATH back and compare with PX (RGB of it; the file must be opaque RGB). */
static void assert_png_equals(const char *path, const uint8_t *px)
{
	png_image img;
	uint8_t *rgb;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path))
		fail_msg("%s: %s", path, img.message);
	assert_int_equal(img.width, W);
	assert_int_equal(img.height, H);
	assert_true(img.format & PNG_FORMAT_FLAG_COLOR);
	assert_false(img.format & PNG_FORMAT_FLAG_ALPHA); /* alpha was dropped */

	img.format = PNG_FORMAT_RGB;
	rgb = malloc(PNG_IMAGE_SIZE(img));
	assert_non_null(rgb);
	if (!png_image_finish_read(&img, NULL, rgb, 0, NULL))
		fail_msg("%s: %s", path, img.message);

	for (int y = 0; y < H; y++) {
		for (int x = 0; x < W; x++) {
			const uint8_t *want = px + y * PITCH + x * 4;
			const uint8_t *got = rgb + (y * W + x) * 3;

			if (memcmp(want, got, 3) != 0)
				fail_msg("pixel %d,%d: got %02x%02x%02x, wanted %02x%02x%02x", x, y,
					 got[0], got[1], got[2], want[0], want[1], want[2]);
		}
	}
	free(rgb);
}

static void test_round_trip(void **state)
{
	const char *dir = *state;
	uint8_t px[PITCH * H];
	char path[4096], tmp[4200], err[256] = "junk";

	path_in(path, sizeof(path), dir, "shot.png");
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);

	make_pixels(px, 0);
	assert_int_equal(png_write_rgba(path, px, W, H, PITCH, err, sizeof(err)), 0);
	assert_string_equal(err, ""); /* cleared on success */
	assert_false(exists(tmp));
	assert_png_equals(path, px);

	/* Writing again replaces the file. */
	make_pixels(px, 7);
	assert_int_equal(png_write_rgba(path, px, W, H, PITCH, err, sizeof(err)), 0);
	assert_false(exists(tmp));
	assert_png_equals(path, px);

	/* A tight pitch and no error buffer. */
	{
		uint8_t one[4] = {10, 20, 30, 0};
		png_image img;
		uint8_t rgb[3];

		assert_int_equal(png_write_rgba(path, one, 1, 1, 4, NULL, 0), 0);
		memset(&img, 0, sizeof(img));
		img.version = PNG_IMAGE_VERSION;
		assert_true(png_image_begin_read_from_file(&img, path));
		img.format = PNG_FORMAT_RGB;
		assert_true(png_image_finish_read(&img, NULL, rgb, 0, NULL));
		assert_memory_equal(rgb, one, 3);
	}
}

static void test_missing_directory(void **state)
{
	const char *dir = *state;
	uint8_t px[PITCH * H];
	char path[4096], err[512];

	path_in(path, sizeof(path), dir, "no-such-dir/shot.png");
	make_pixels(px, 0);
	assert_int_equal(png_write_rgba(path, px, W, H, PITCH, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot create "));
	assert_non_null(strstr(err, "no-such-dir/shot.png.tmp"));
	assert_non_null(strstr(err, strerror(ENOENT)));
	assert_null(strchr(err, '\n'));
	assert_no_output(path);
}

/* The rename fails (a directory holds the name): the tmp file goes away. */
static void test_rename_fails(void **state)
{
	const char *dir = *state;
	uint8_t px[PITCH * H];
	char path[4096], inside[4200], err[512];
	struct stat st;

	path_in(path, sizeof(path), dir, "taken.png");
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(inside, sizeof(inside), "%s/keep", path);
	assert_int_equal(mkdir(inside, 0755), 0);

	make_pixels(px, 0);
	assert_int_equal(png_write_rgba(path, px, W, H, PITCH, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot rename "));
	snprintf(inside, sizeof(inside), "%s.tmp", path);
	assert_false(exists(inside));
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode)); /* untouched */
}

/* libpng itself refuses (width over its 1,000,000 limit): the longjmp path. */
static void test_libpng_error(void **state)
{
	const char *dir = *state;
	const int w = 1000001;
	uint8_t *px = calloc((size_t)w, 4);
	char path[4096], err[512];

	assert_non_null(px);
	path_in(path, sizeof(path), dir, "wide.png");
	assert_int_equal(png_write_rgba(path, px, w, 1, w * 4, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "libpng: "));
	assert_non_null(strstr(err, "wide.png.tmp"));
	assert_no_output(path);
	free(px);
}

static void test_bad_arguments(void **state)
{
	const char *dir = *state;
	uint8_t px[PITCH * H];
	char path[4096], err[512], tiny[8];

	path_in(path, sizeof(path), dir, "bad.png");
	make_pixels(px, 0);

	assert_int_equal(png_write_rgba(path, px, 0, H, PITCH, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad image size 0x3"));
	assert_int_equal(png_write_rgba(path, px, W, -1, PITCH, err, sizeof(err)), -1);
	assert_int_equal(png_write_rgba(path, px, W, H, W * 4 - 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "pitch 19"));
	assert_int_equal(png_write_rgba(path, NULL, W, H, PITCH, err, sizeof(err)), -1);
	assert_string_equal(err, "png: no pixels given");
	assert_int_equal(png_write_rgba(NULL, px, W, H, PITCH, err, sizeof(err)), -1);
	assert_string_equal(err, "png: no path given");
	assert_no_output(path);

	/* A short error buffer is cut but terminated; none at all is fine too. */
	memset(tiny, 'x', sizeof(tiny));
	assert_int_equal(png_write_rgba(path, px, 0, H, PITCH, tiny, sizeof(tiny)), -1);
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
	assert_int_equal(png_write_rgba(path, px, 0, H, PITCH, NULL, 0), -1);
	assert_no_output(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_missing_directory, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_rename_fails, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_libpng_error, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_bad_arguments, setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
