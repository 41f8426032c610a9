/*
 * png: screenshot writer on top of libpng; the contract is in png.h.
 *
 * The image goes to PATH.tmp, is flushed and fsync()ed, and only then renamed
 * over PATH, so a reader (a technician's viewer, the scenario runner's
 * comparison) sees either the old file or the whole new one. libpng reports
 * errors by longjmp() out of its calls; everything that must survive that
 * jump lives in a struct pngw_job owned by png_write_rgba(), which does not
 * itself call setjmp(), so C11 7.13.2.1 guarantees the values (locals of the
 * function that calls setjmp() and change after it would need volatile). The
 * alpha byte is dropped by libpng itself (png_set_filler on write strips it).
 *
 * Static names use the prefix pngw_ because png_ is libpng's. This file's
 * own header shares its name with libpng's <png.h> (and -I app/ comes first
 * on every include path that has it), so libpng is included by its
 * versioned directory.
 */
#include "png.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libpng16/png.h>

/* State of one write; outlives any longjmp out of libpng. */
struct pngw_job {
	const char *path;
	char tmp[PATH_MAX];
	FILE *fp;
	png_structp png;
	png_infop info;
	char why[200]; /* libpng's error message */
	char warn[200]; /* its last warning, often the cause of the error */
};

__attribute__((format(printf, 3, 4))) static void
pngw_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void pngw_on_error(png_structp png, png_const_charp msg)
{
	struct pngw_job *job = png_get_error_ptr(png);

	snprintf(job->why, sizeof(job->why), "%s", msg);
	png_longjmp(png, 1);
}

static void pngw_on_warning(png_structp png, png_const_charp msg)
{
	struct pngw_job *job = png_get_error_ptr(png);

	snprintf(job->warn, sizeof(job->warn), "%s", msg);
}

/*
 * Encode the image into JOB->fp. Returns 0, or -1 with JOB->why set. The
 * setjmp() is here; the only local changed after it (the row counter) is
 * not read after a jump, but it is volatile so nobody has to prove that.
 */
static int pngw_encode(struct pngw_job *job, const uint8_t *pixels, int w, int h, int pitch)
{
	volatile int y;

	if (setjmp(png_jmpbuf(job->png)) != 0)
		return -1;

	png_init_io(job->png, job->fp);
	png_set_IHDR(job->png, job->info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(job->png, job->info);
	/* Rows are R,G,B,A in memory: the 4th byte is a filler to strip. */
	png_set_filler(job->png, 0, PNG_FILLER_AFTER);
	for (y = 0; y < h; y++)
		png_write_row(job->png, pixels + (size_t)y * (size_t)pitch);
	png_write_end(job->png, NULL);
	return 0;
}

int png_write_rgba(const char *path, const uint8_t *pixels, int w, int h, int pitch,
		   char *err, size_t errlen)
{
	struct pngw_job job;
	int n;

	memset(&job, 0, sizeof(job));
	job.path = path;
	if (err != NULL && errlen > 0)
		err[0] = '\0';

	if (path == NULL || pixels == NULL) {
		pngw_fail(err, errlen, "png: no %s given", path == NULL ? "path" : "pixels");
		return -1;
	}
	if (w <= 0 || h <= 0 || pitch / 4 < w) {
		pngw_fail(err, errlen, "%s: bad image size %dx%d, pitch %d", path, w, h, pitch);
		return -1;
	}
	n = snprintf(job.tmp, sizeof(job.tmp), "%s.tmp", path);
	if (n < 0 || (size_t)n >= sizeof(job.tmp)) {
		pngw_fail(err, errlen, "%s: path is too long", path);
		return -1;
	}

	job.fp = fopen(job.tmp, "wb");
	if (job.fp == NULL) {
		pngw_fail(err, errlen, "cannot create %s: %s", job.tmp, strerror(errno));
		return -1;
	}
	job.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &job, pngw_on_error,
					  pngw_on_warning);
	if (job.png != NULL)
		job.info = png_create_info_struct(job.png);
	if (job.png == NULL || job.info == NULL) {
		pngw_fail(err, errlen, "%s: out of memory", job.tmp);
		goto fail;
	}

	if (pngw_encode(&job, pixels, w, h, pitch) != 0) {
		if (job.warn[0] != '\0')
			pngw_fail(err, errlen, "cannot write %s: libpng: %s (%s)", job.tmp, job.why,
				 job.warn);
		else
			pngw_fail(err, errlen, "cannot write %s: libpng: %s", job.tmp, job.why);
		goto fail;
	}
	/* Data on disk before the rename, or a power cut could leave an empty PATH. */
	if (fflush(job.fp) != 0 || fsync(fileno(job.fp)) != 0) {
		pngw_fail(err, errlen, "cannot write %s: %s", job.tmp, strerror(errno));
		goto fail;
	}
	png_destroy_write_struct(&job.png, &job.info);
	n = fclose(job.fp);
	job.fp = NULL;
	if (n != 0) {
		pngw_fail(err, errlen, "cannot write %s: %s", job.tmp, strerror(errno));
		goto fail;
	}
	if (rename(job.tmp, path) != 0) {
		pngw_fail(err, errlen, "cannot rename %s to %s: %s", job.tmp, path,
			 strerror(errno));
		goto fail;
	}
	return 0;

fail:
	png_destroy_write_struct(&job.png, &job.info);
	if (job.fp != NULL)
		fclose(job.fp);
	unlink(job.tmp);
	return -1;
}
