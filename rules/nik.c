/*
 * nik: parsing, checking and cross-checking of the NIK and the NIP (see
 * nik.h). Both numbers are fixed-width digit strings; each part is read as a
 * small number and checked in the order of the digits, so the first error
 * names the first wrong part. Formatting is the exact inverse of parsing.
 */
#include "nik.h"

#include <string.h>

/* Province codes in use (Kemendagri), as inclusive ranges. */
static const struct {
	int lo, hi;
} province_ranges[] = {
	{11, 19}, {21, 21}, {31, 36}, {51, 53}, {61, 65}, {71, 76}, {81, 82}, {91, 97},
};

bool nik_province_known(int code)
{
	for (size_t i = 0; i < sizeof province_ranges / sizeof province_ranges[0]; i++)
		if (code >= province_ranges[i].lo && code <= province_ranges[i].hi)
			return true;
	return false;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* S without surrounding ASCII white space: start in *B, length returned. */
static size_t trim(const char *s, const char **b)
{
	size_t n;

	while (is_space(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_space(s[n - 1]))
		n--;
	*b = s;
	return n;
}

/* True when S[0..N) are all digits. */
static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* The number written by the N digits at S. */
static int num(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Write V as N digits (zero-padded) at S. */
static void put_num(char *s, int v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		s[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

static bool leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days in month M (1-12) of year Y; Y 0 means "some year": February has 29. */
static int month_days(int m, int y)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && (y == 0 || leap_year(y)))
		return 29;
	return days[m - 1];
}

/* ---- NIK ----------------------------------------------------------------------- */

/* The first NIK rule the parts break (after the digit and length rules). */
static val_code nik_check_parts(int province, int dd, int mm, int serial)
{
	if (!nik_province_known(province))
		return VAL_NIK_PROVINCE;
	if (dd == 0 || (dd > 31 && dd <= 40) || dd > 71)
		return VAL_NIK_DAY;
	if (mm == 0 || mm > 12)
		return VAL_NIK_MONTH;
	if ((dd > 40 ? dd - 40 : dd) > month_days(mm, 0))
		return VAL_NIK_DATE;
	if (serial == 0)
		return VAL_NIK_SERIAL;
	return VAL_OK;
}

val_code nik_parse(const char *in, nik_info *out)
{
	const char *s;
	size_t n;
	int dd;
	val_code rc;

	if (out != NULL)
		memset(out, 0, sizeof *out);
	n = trim(in != NULL ? in : "", &s);
	if (n == 0)
		return VAL_EMPTY;
	if (!all_digits(s, n))
		return VAL_NIK_DIGITS;
	if (n != NIK_LEN)
		return VAL_NIK_LENGTH;
	dd = num(s + 6, 2);
	rc = nik_check_parts(num(s, 2), dd, num(s + 8, 2), num(s + 12, 4));
	if (rc != VAL_OK || out == NULL)
		return rc;
	out->province = num(s, 2);
	out->regency = num(s + 2, 2);
	out->district = num(s + 4, 2);
	out->female = dd > 40;
	out->day = out->female ? dd - 40 : dd;
	out->month = num(s + 8, 2);
	out->yy = num(s + 10, 2);
	out->serial = num(s + 12, 4);
	return VAL_OK;
}

bool nik_format(const nik_info *nik, char *out, size_t cap)
{
	if (out != NULL && cap > 0)
		out[0] = '\0';
	if (nik == NULL || out == NULL || cap < NIK_CAP)
		return false;
	if (nik->regency < 0 || nik->regency > 99 || nik->district < 0 || nik->district > 99 ||
	    nik->day < 1 || nik->day > 31 || nik->month < 1 || nik->month > 12 || nik->yy < 0 ||
	    nik->yy > 99 || nik->serial < 0 || nik->serial > 9999)
		return false;
	if (nik_check_parts(nik->province, nik->day + (nik->female ? 40 : 0), nik->month,
			    nik->serial) != VAL_OK)
		return false;
	put_num(out, nik->province, 2);
	put_num(out + 2, nik->regency, 2);
	put_num(out + 4, nik->district, 2);
	put_num(out + 6, nik->day + (nik->female ? 40 : 0), 2);
	put_num(out + 8, nik->month, 2);
	put_num(out + 10, nik->yy, 2);
	put_num(out + 12, nik->serial, 4);
	out[NIK_LEN] = '\0';
	return true;
}

/* ---- NIP ----------------------------------------------------------------------- */

/* The first NIP rule the parts break (after the digit and length rules). */
static val_code nip_check_parts(const nip_info *p, int sex)
{
	if (p->birth_y < NIP_BIRTH_YEAR_MIN || p->birth_y > NIP_BIRTH_YEAR_MAX ||
	    p->birth_m < 1 || p->birth_m > 12 || p->birth_d < 1 ||
	    p->birth_d > month_days(p->birth_m, p->birth_y))
		return VAL_NIP_BIRTH_DATE;
	if (p->start_m < 1 || p->start_m > 12 || p->start_y - p->birth_y < NIP_START_AGE_MIN ||
	    p->start_y - p->birth_y > NIP_START_AGE_MAX)
		return VAL_NIP_START_DATE;
	if (sex != 1 && sex != 2)
		return VAL_NIP_SEX;
	if (p->serial < 1 || p->serial > 999)
		return VAL_NIP_SERIAL;
	return VAL_OK;
}

val_code nip_parse(const char *in, nip_info *out)
{
	const char *s;
	size_t n;
	nip_info p;
	int sex;
	val_code rc;

	if (out != NULL)
		memset(out, 0, sizeof *out);
	memset(&p, 0, sizeof p);
	n = trim(in != NULL ? in : "", &s);
	if (n == 0)
		return VAL_EMPTY;
	if (!all_digits(s, n))
		return VAL_NIP_DIGITS;
	if (n != NIP_LEN)
		return VAL_NIP_LENGTH;
	p.birth_y = num(s, 4);
	p.birth_m = num(s + 4, 2);
	p.birth_d = num(s + 6, 2);
	p.start_y = num(s + 8, 4);
	p.start_m = num(s + 12, 2);
	sex = num(s + 14, 1);
	p.female = sex == 2;
	p.serial = num(s + 15, 3);
	rc = nip_check_parts(&p, sex);
	if (rc == VAL_OK && out != NULL)
		*out = p;
	return rc;
}

bool nip_format(const nip_info *nip, char *out, size_t cap)
{
	if (out != NULL && cap > 0)
		out[0] = '\0';
	if (nip == NULL || out == NULL || cap < NIP_CAP)
		return false;
	/* The checks bound every part to its digit count. */
	if (nip_check_parts(nip, nip->female ? 2 : 1) != VAL_OK)
		return false;
	put_num(out, nip->birth_y, 4);
	put_num(out + 4, nip->birth_m, 2);
	put_num(out + 6, nip->birth_d, 2);
	put_num(out + 8, nip->start_y, 4);
	put_num(out + 12, nip->start_m, 2);
	put_num(out + 14, nip->female ? 2 : 1, 1);
	put_num(out + 15, nip->serial, 3);
	out[NIP_LEN] = '\0';
	return true;
}

/* ---- cross-checks ----------------------------------------------------------------- */

/* Append C to OUT when there is room; returns the new count. */
static int add_code(val_code *out, int n, int cap, val_code c)
{
	if (n < cap)
		out[n++] = c;
	return n;
}

int nik_nip_check(const nik_info *nik, const nip_info *nip, val_code *out, int cap)
{
	int n = 0;

	if (nik == NULL || nip == NULL || out == NULL || cap <= 0)
		return 0;
	if (nik->day != nip->birth_d || nik->month != nip->birth_m ||
	    nik->yy != nip->birth_y % 100)
		n = add_code(out, n, cap, VAL_W_NIK_NIP_BIRTH);
	if (nik->female != nip->female)
		n = add_code(out, n, cap, VAL_W_NIK_NIP_SEX);
	return n;
}

int nik_person_check(const nik_info *nik, int birth_y, int birth_m, int birth_d, int sex,
		     val_code *out, int cap)
{
	int n = 0;

	if (nik == NULL || out == NULL || cap <= 0)
		return 0;
	if ((birth_y > 0 && birth_y % 100 != nik->yy) || (birth_m > 0 && birth_m != nik->month) ||
	    (birth_d > 0 && birth_d != nik->day))
		n = add_code(out, n, cap, VAL_W_NIK_BIRTH);
	if ((sex == 1 && nik->female) || (sex == 2 && !nik->female))
		n = add_code(out, n, cap, VAL_W_NIK_SEX);
	return n;
}
