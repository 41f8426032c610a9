/*
 * val: the result-code table and the validators of e-mail addresses,
 * Indonesian mobile numbers, person names and free profile text (see val.h
 * for every rule). Each validator first checks the whole input is UTF-8,
 * then walks it once, writing the normalised value through a bounded writer
 * that counts what would not fit; on any error the bytes it wrote are wiped
 * and OUT is left "". Stack buffers that held a name or number are wiped too.
 */
#include "val.h"

#include <stdint.h>
#include <string.h>

/* ---- result codes ----------------------------------------------------------- */

/* The key is always "val." and the name, so the two cannot drift apart. */
#define CODE(c, name) [c] = {name, "val." name}

static const struct {
	const char *name;
	const char *key;
} code_tab[] = {
	CODE(VAL_OK, "ok"),
	CODE(VAL_EMPTY, "empty"),
	CODE(VAL_TOO_SHORT, "too_short"),
	CODE(VAL_TOO_LONG, "too_long"),
	CODE(VAL_BAD_UTF8, "bad_utf8"),
	CODE(VAL_BAD_CHARS, "bad_chars"),
	CODE(VAL_NIK_LENGTH, "nik_length"),
	CODE(VAL_NIK_DIGITS, "nik_digits"),
	CODE(VAL_NIK_PROVINCE, "nik_province"),
	CODE(VAL_NIK_DAY, "nik_day"),
	CODE(VAL_NIK_MONTH, "nik_month"),
	CODE(VAL_NIK_DATE, "nik_date"),
	CODE(VAL_NIK_SERIAL, "nik_serial"),
	CODE(VAL_NIP_LENGTH, "nip_length"),
	CODE(VAL_NIP_DIGITS, "nip_digits"),
	CODE(VAL_NIP_BIRTH_DATE, "nip_birth_date"),
	CODE(VAL_NIP_START_DATE, "nip_start_date"),
	CODE(VAL_NIP_SEX, "nip_sex"),
	CODE(VAL_NIP_SERIAL, "nip_serial"),
	CODE(VAL_EMAIL_SPACE, "email_space"),
	CODE(VAL_EMAIL_NO_AT, "email_no_at"),
	CODE(VAL_EMAIL_MANY_AT, "email_many_at"),
	CODE(VAL_EMAIL_LOCAL_EMPTY, "email_local_empty"),
	CODE(VAL_EMAIL_LOCAL_CHARS, "email_local_chars"),
	CODE(VAL_EMAIL_LOCAL_DOT, "email_local_dot"),
	CODE(VAL_EMAIL_LOCAL_LONG, "email_local_long"),
	CODE(VAL_EMAIL_DOMAIN_EMPTY, "email_domain_empty"),
	CODE(VAL_EMAIL_DOMAIN_CHARS, "email_domain_chars"),
	CODE(VAL_EMAIL_DOMAIN_DOT, "email_domain_dot"),
	CODE(VAL_EMAIL_DOMAIN_NO_DOT, "email_domain_no_dot"),
	CODE(VAL_EMAIL_DOMAIN_HYPHEN, "email_domain_hyphen"),
	CODE(VAL_EMAIL_DOMAIN_LONG, "email_domain_long"),
	CODE(VAL_EMAIL_TLD, "email_tld"),
	CODE(VAL_EMAIL_LONG, "email_long"),
	CODE(VAL_PHONE_CHARS, "phone_chars"),
	CODE(VAL_PHONE_PREFIX, "phone_prefix"),
	CODE(VAL_PHONE_NOT_MOBILE, "phone_not_mobile"),
	CODE(VAL_PHONE_LENGTH, "phone_length"),
	CODE(VAL_NAME_DIGITS, "name_digits"),
	CODE(VAL_NAME_CHARS, "name_chars"),
	CODE(VAL_NAME_NO_LETTER, "name_no_letter"),
	CODE(VAL_NAME_PUNCT, "name_punct"),
	CODE(VAL_NAME_COMMA, "name_comma"),
	CODE(VAL_NAME_TOO_SHORT, "name_too_short"),
	CODE(VAL_NAME_TOO_LONG, "name_too_long"),
	CODE(VAL_REQ_NO_IDENTITY, "req_no_identity"),
	CODE(VAL_REQ_NO_CONSENT, "req_no_consent"),
	CODE(VAL_REQ_SAME_VALUE, "req_same_value"),
	CODE(VAL_REQ_NO_CHANGE, "req_no_change"),
	CODE(VAL_REQ_NO_REASON, "req_no_reason"),
	CODE(VAL_REQ_REASON_TEXT, "req_reason_text"),
	CODE(VAL_REQ_DOC_OTHER, "req_doc_other"),
	CODE(VAL_REQ_OTHER_NIK, "req_other_nik"),
	CODE(VAL_W_NAME_TITLE, "name_title"),
	CODE(VAL_W_NIK_NIP_BIRTH, "nik_nip_birth"),
	CODE(VAL_W_NIK_NIP_SEX, "nik_nip_sex"),
	CODE(VAL_W_NIK_BIRTH, "nik_birth"),
	CODE(VAL_W_NIK_SEX, "nik_sex"),
	CODE(VAL_W_TYPED_NIK, "typed_nik"),
};

/* A code added to the enum without a row here fails the build (the last
 * one) or the unit test (one in the middle, left NULL). */
_Static_assert(sizeof code_tab / sizeof code_tab[0] == VAL_CODE_COUNT,
	       "rules/val.c: code_tab needs one row per val_code");

const char *val_code_key(val_code c)
{
	if ((unsigned)c >= VAL_CODE_COUNT || code_tab[c].key == NULL)
		return "val.unknown";
	return code_tab[c].key;
}

const char *val_code_name(val_code c)
{
	if ((unsigned)c >= VAL_CODE_COUNT || code_tab[c].name == NULL)
		return "unknown";
	return code_tab[c].name;
}

bool val_code_is_warning(val_code c)
{
	return c >= VAL_W_FIRST_WARNING && c < VAL_CODE_COUNT;
}

/* ---- UTF-8 ------------------------------------------------------------------ */

int val_utf8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t v, min;
	size_t len;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		len = 2;
		v = s[0] & 0x1Fu;
		min = 0x80;
	} else if ((s[0] & 0xF0) == 0xE0) {
		len = 3;
		v = s[0] & 0x0Fu;
		min = 0x800;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		len = 4;
		v = s[0] & 0x07u;
		min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if (i >= n || (s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3Fu);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return (int)len;
}

bool val_utf8_valid(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		int len = val_utf8_decode(s + i, n - i, &cp);

		if (len == 0 || cp == 0)
			return false;
		i += (size_t)len;
	}
	return true;
}

/* The code point at the NUL-terminated S (see val_utf8_decode()). */
static int utf8_next(const unsigned char *s, uint32_t *cp)
{
	return val_utf8_decode((const char *)s, 4, cp);
}

int val_utf8_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	int count = 0;

	while (*p != '\0') {
		uint32_t cp;
		int n = utf8_next(p, &cp);

		if (n == 0)
			return -1;
		p += n;
		if (count < INT32_MAX)
			count++;
	}
	return count;
}

/* ---- helpers ------------------------------------------------------------------ */

static bool ascii_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool ascii_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool ascii_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool ascii_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

static char ascii_lower(unsigned char c)
{
	return (char)(ascii_upper(c) ? c + ('a' - 'A') : c);
}

/* White space in names and text: ASCII, no-break space, line/paragraph separators. */
static bool uni_space(uint32_t cp)
{
	return (cp < 0x80 && ascii_space((unsigned char)cp)) || cp == 0xA0 || cp == 0x2028 ||
	       cp == 0x2029;
}

/* [*B, *E) = S without surrounding ASCII white space. */
static void trim_ascii(const char *s, const char **b, const char **e)
{
	const char *end;

	while (ascii_space((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && ascii_space((unsigned char)end[-1]))
		end--;
	*b = s;
	*e = end;
}

/*
 * A bounded writer: appends while the bytes and a NUL fit in CAP, counts
 * everything. BUF NULL (or CAP 0) only counts.
 */
typedef struct wbuf {
	char *buf;
	size_t cap;
	size_t len;
} wbuf;

static wbuf w_open(char *out, size_t cap)
{
	wbuf w = {cap > 0 ? out : NULL, out != NULL ? cap : 0, 0};

	if (w.buf != NULL)
		w.buf[0] = '\0';
	return w;
}

static void w_put(wbuf *w, const void *p, size_t n)
{
	if (w->buf != NULL && w->len + n < w->cap)
		memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void w_putc(wbuf *w, char c)
{
	w_put(w, &c, 1);
}

/* Wipe what W wrote and leave "" (personal data must not linger in a
 * refused value's buffer). Returns CODE. */
static val_code w_fail(wbuf *w, val_code code)
{
	if (w->buf != NULL) {
		size_t n = w->len < w->cap ? w->len : w->cap;

		memset(w->buf, 0, n > 0 ? n : 1);
	}
	return code;
}

/* Terminate W: VAL_OK, or VAL_TOO_LONG (wiped) when it did not fit. */
static val_code w_close(wbuf *w)
{
	if (w->buf == NULL)
		return VAL_OK;
	if (w->len >= w->cap)
		return w_fail(w, VAL_TOO_LONG);
	w->buf[w->len] = '\0';
	return VAL_OK;
}

/* ---- e-mail ------------------------------------------------------------------ */

static bool email_local_char(unsigned char c)
{
	return ascii_alpha(c) || ascii_digit(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
	       c == '-';
}

/* The first rule [B, E) breaks as a domain, or VAL_OK. */
static val_code email_domain(const char *b, const char *e)
{
	const char *p, *label;
	bool dot = false;

	if (b == e)
		return VAL_EMAIL_DOMAIN_EMPTY;
	for (p = b; p < e; p++) {
		unsigned char c = (unsigned char)*p;

		if (!ascii_alpha(c) && !ascii_digit(c) && c != '-' && c != '.')
			return VAL_EMAIL_DOMAIN_CHARS;
		dot |= c == '.';
	}
	if (b[0] == '.' || e[-1] == '.')
		return VAL_EMAIL_DOMAIN_DOT;
	for (p = b; p + 1 < e; p++)
		if (p[0] == '.' && p[1] == '.')
			return VAL_EMAIL_DOMAIN_DOT;
	if (!dot)
		return VAL_EMAIL_DOMAIN_NO_DOT;

	/* Labels: no dot at either end and no empty label, checked above. */
	label = b;
	for (p = b; p <= e; p++) {
		if (p < e && *p != '.')
			continue;
		if (label[0] == '-' || p[-1] == '-')
			return VAL_EMAIL_DOMAIN_HYPHEN;
		if (p - label > 63)
			return VAL_EMAIL_DOMAIN_LONG;
		if (p == e) { /* the last label: the top-level domain */
			if (p - label < 2)
				return VAL_EMAIL_TLD;
			for (const char *q = label; q < p; q++)
				if (!ascii_alpha((unsigned char)*q))
					return VAL_EMAIL_TLD;
		}
		label = p + 1;
	}
	return VAL_OK;
}

val_code val_email(const char *in, char *out, size_t cap)
{
	wbuf w = w_open(out, cap);
	const char *b, *e, *at = NULL, *p;
	int ats = 0;
	val_code c;

	if (in == NULL)
		in = "";
	trim_ascii(in, &b, &e);
	if (b == e)
		return w_fail(&w, VAL_EMPTY);
	if (val_utf8_len(in) < 0)
		return w_fail(&w, VAL_BAD_UTF8);
	for (p = b; p < e; p++)
		if (ascii_space((unsigned char)*p))
			return w_fail(&w, VAL_EMAIL_SPACE);
	for (p = b; p < e; p++) {
		if (*p == '@') {
			if (at == NULL)
				at = p;
			ats++;
		}
	}
	if (ats == 0)
		return w_fail(&w, VAL_EMAIL_NO_AT);
	if (ats > 1)
		return w_fail(&w, VAL_EMAIL_MANY_AT);

	if (at == b)
		return w_fail(&w, VAL_EMAIL_LOCAL_EMPTY);
	for (p = b; p < at; p++)
		if (!email_local_char((unsigned char)*p))
			return w_fail(&w, VAL_EMAIL_LOCAL_CHARS);
	if (b[0] == '.' || at[-1] == '.')
		return w_fail(&w, VAL_EMAIL_LOCAL_DOT);
	for (p = b; p + 1 < at; p++)
		if (p[0] == '.' && p[1] == '.')
			return w_fail(&w, VAL_EMAIL_LOCAL_DOT);
	if (at - b > 64)
		return w_fail(&w, VAL_EMAIL_LOCAL_LONG);

	c = email_domain(at + 1, e);
	if (c != VAL_OK)
		return w_fail(&w, c);
	if (e - b > VAL_EMAIL_MAX)
		return w_fail(&w, VAL_EMAIL_LONG);

	for (p = b; p < e; p++)
		w_putc(&w, ascii_lower((unsigned char)*p));
	return w_close(&w);
}

/* ---- mobile phone ------------------------------------------------------------ */

val_code val_phone(const char *in, char *out, size_t cap)
{
	wbuf w = w_open(out, cap);
	char d[24]; /* the first digits; the rest are only counted */
	size_t nd = 0, skip;
	const char *b, *e, *p, *n;
	bool plus = false, trunk_ok;
	val_code rc = VAL_OK;

	if (in == NULL)
		in = "";
	if (val_utf8_len(in) < 0)
		return w_fail(&w, VAL_BAD_UTF8);
	trim_ascii(in, &b, &e);
	for (p = b; p < e; p++) {
		unsigned char c = (unsigned char)*p;

		if (ascii_digit(c)) {
			if (nd < sizeof d)
				d[nd] = (char)c;
			nd++;
		} else if (c == '+' && nd == 0 && !plus) {
			plus = true;
		} else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
			return w_fail(&w, VAL_PHONE_CHARS);
		}
	}
	if (nd == 0)
		return w_fail(&w, VAL_EMPTY);

	/* D = "+62" N | "62" N | "0" N; after 62 one written trunk 0 is dropped. */
	if (nd >= 2 && d[0] == '6' && d[1] == '2') {
		skip = 2;
		trunk_ok = true;
	} else if (!plus && d[0] == '0') {
		skip = 1;
		trunk_ok = false;
		if (nd > 1 && d[1] == '0') /* "00..." international prefix */
			rc = VAL_PHONE_PREFIX;
	} else {
		rc = VAL_PHONE_PREFIX;
		skip = 0;
		trunk_ok = false;
	}
	if (rc == VAL_OK && trunk_ok && nd > skip && d[skip] == '0')
		skip++;
	n = d + skip;
	if (rc == VAL_OK && nd == skip)
		rc = VAL_PHONE_LENGTH;
	else if (rc == VAL_OK && n[0] != '8')
		rc = VAL_PHONE_NOT_MOBILE;
	else if (rc == VAL_OK && (nd - skip < VAL_PHONE_MIN_DIGITS - 2 ||
				  nd - skip > VAL_PHONE_MAX_DIGITS - 2))
		rc = VAL_PHONE_LENGTH;
	if (rc == VAL_OK) {
		w_put(&w, "62", 2);
		w_put(&w, n, nd - skip); /* at most 13 <= sizeof d - skip */
		rc = w_close(&w);
	} else {
		rc = w_fail(&w, rc);
	}
	explicit_bzero(d, sizeof d);
	return rc;
}

/* ---- person name ------------------------------------------------------------- */

typedef enum ncls {
	N_LETTER,
	N_MARK, /* combining accent */
	N_SPACE,
	N_DOT,
	N_HYPHEN,
	N_APOS,
	N_COMMA,
	N_DIGIT,
	N_OTHER
} ncls;

static ncls name_class(uint32_t cp)
{
	if (cp < 0x80 && ascii_alpha((unsigned char)cp))
		return N_LETTER;
	if (cp < 0x80 && ascii_digit((unsigned char)cp))
		return N_DIGIT;
	if (uni_space(cp))
		return N_SPACE;
	switch (cp) {
	case '.':
		return N_DOT;
	case '-':
		return N_HYPHEN;
	case ',':
		return N_COMMA;
	case '\'':
	case 0x2019: /* ’ right single quotation mark, what phones type */
	case 0x2018: /* ‘ */
	case 0x02BC: /* ʼ modifier letter apostrophe */
		return N_APOS;
	case 0xD7: /* × */
	case 0xF7: /* ÷ */
	case 0x1C0: /* ǀ ǁ ǂ ǃ: click letters that look like | ‖ ǂ ! */
	case 0x1C1:
	case 0x1C2:
	case 0x1C3:
		return N_OTHER;
	default:
		break;
	}
	if ((cp >= 0xC0 && cp <= 0x24F) || (cp >= 0x1E00 && cp <= 0x1EFF))
		return N_LETTER;
	if (cp >= 0x300 && cp <= 0x36F)
		return N_MARK;
	return N_OTHER;
}

/* A byte of the normalised name that belongs to a letter (or its accent). */
static bool name_letter_byte(unsigned char c)
{
	return c >= 0x80 || ascii_alpha(c);
}

/* Titles, as lower-case letters without dots. */
static const char *const prefix_titles[] = {
	"dr", "drs", "dra", "drg", "ir", "prof", "ns", "apt", "h", "hj", "kh",
};

static const char *const suffix_titles[] = {
	/* diploma */
	"ama", "amd", "amdak", "amdfarm", "amdgz", "amdkeb", "amdkep", "amdkes", "amdkom",
	"amdpar", "amdt", "amk",
	/* bachelor (sarjana, sarjana terapan) */
	"sag", "sak", "sap", "sars", "sds", "se", "sei", "sfarm", "sfil", "sgz", "sh", "shi",
	"shum", "sikom", "sip", "skeb", "skep", "sked", "skel", "skes", "skg", "skh", "skm",
	"skom", "sm", "sn", "spd", "spdi", "spsi", "spt", "ss", "ssi", "ssn", "ssos", "sst",
	"sstat", "sstp", "st", "sth", "stp", "str", "strkom", "ba", "bba", "bsc", "beng",
	/* master (magister) */
	"ma", "mag", "mak", "map", "mars", "mba", "meng", "mfarm", "mh", "mhi", "mhum",
	"mikom", "mkeb", "mkep", "mkes", "mkm", "mkn", "mkom", "mm", "mmr", "mp", "mpa", "mpd",
	"mpdi", "mph", "mpsi", "ms", "msc", "msi", "msos", "mstat", "mt", "mtp", "mtr", "llm",
	/* doctorate, professions, medical specialists */
	"phd", "dsc", "ak", "apt", "ners", "cpa", "spa", "spb", "spjp", "spkj", "spm", "spn",
	"spog", "sppd", "sprad",
};

/*
 * Lower-case the ASCII letters of token [T, T+N) without its dots into KEY
 * (KCAP bytes). False when the token holds anything else, has no letter, or
 * is longer than KEY.
 */
static bool title_key(const char *t, size_t n, char *key, size_t kcap)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];

		if (c == '.')
			continue;
		if (!ascii_alpha(c) || k + 1 >= kcap)
			return false;
		key[k++] = ascii_lower(c);
	}
	key[k] = '\0';
	return k > 0;
}

static bool in_list(const char *key, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(key, list[i]) == 0)
			return true;
	return false;
}

#define LIST(a) (a), (sizeof(a) / sizeof((a)[0]))

static bool known_suffix(const char *t, size_t n)
{
	char key[16];

	return title_key(t, n, key, sizeof key) && in_list(key, LIST(suffix_titles));
}

/* "S.Tr.Kom.": two or more dot-separated parts of 1-5 ASCII letters, each
 * starting with a capital, an optional final dot. */
static bool dotted_title(const char *t, size_t n)
{
	size_t i = 0;
	int parts = 0;

	while (i < n) {
		size_t start = i;

		if (!ascii_upper((unsigned char)t[i]))
			return false;
		while (i < n && ascii_alpha((unsigned char)t[i]))
			i++;
		if (i - start > 5)
			return false;
		parts++;
		if (i < n && t[i] != '.')
			return false;
		i++; /* the dot (or past the end) */
	}
	return parts >= 2;
}

static bool has_dot(const char *t, size_t n)
{
	return memchr(t, '.', n) != NULL;
}

/* A trailing title without a comma: a known one written with a dot, or in
 * capitals ("SE"). */
static bool trailing_title(const char *t, size_t n)
{
	if (!known_suffix(t, n))
		return false;
	if (has_dot(t, n))
		return true;
	for (size_t i = 0; i < n; i++)
		if (!ascii_upper((unsigned char)t[i]))
			return false;
	return n >= 2;
}

/* The first token: a prefix title alone ("Dr.", "Hj") followed by more of
 * the name, or glued to it ("Dr.Budi"). */
static bool leading_title(const char *t, size_t n, bool more)
{
	char key[8];
	size_t piece = 0;

	while (piece < n && t[piece] != '.')
		piece++;
	if (!title_key(t, piece, key, sizeof key) || !in_list(key, LIST(prefix_titles)))
		return false;
	if (piece + 1 < n) /* "Dr.Budi": letters after the dot */
		return true;
	return more;
}

/* Length of the token at T, up to a space, a comma or the end. */
static size_t token_len(const char *t)
{
	size_t n = 0;

	while (t[n] != '\0' && t[n] != ' ' && t[n] != ',')
		n++;
	return n;
}

/*
 * The structure rules on the normalised name S: VAL_NAME_PUNCT,
 * VAL_NAME_COMMA, or VAL_OK with *TITLE telling whether it carries titles.
 */
static val_code name_structure(const char *s, bool *title)
{
	size_t len = strlen(s);
	const char *comma = strchr(s, ',');
	const char *p, *seg_end;

	*title = false;
	for (size_t i = 0; i < len; i++) {
		unsigned char prev = i > 0 ? (unsigned char)s[i - 1] : 0;
		unsigned char next = (unsigned char)s[i + 1];

		switch (s[i]) {
		case '.':
			if (!name_letter_byte(prev))
				return VAL_NAME_PUNCT;
			break;
		case '-':
			if ((!name_letter_byte(prev) && prev != '.') || !name_letter_byte(next))
				return VAL_NAME_PUNCT;
			break;
		case '\'':
			if (!name_letter_byte(next))
				return VAL_NAME_PUNCT;
			break;
		default:
			break;
		}
	}

	/* The name proper: tokens before the first comma. */
	seg_end = comma != NULL ? comma : s + len;
	{
		size_t n = token_len(s);
		const char *last = s;

		if (n > 0 && leading_title(s, n, s + n < seg_end))
			*title = true;
		for (p = s; p < seg_end; p++)
			if (*p == ' ')
				last = p + 1;
		if (last > s && trailing_title(last, (size_t)(seg_end - last)))
			*title = true;
	}

	/* After each comma: one or more titles, and nothing else. */
	for (p = comma; p != NULL; p = strchr(p + 1, ',')) {
		const char *t = p + 1;

		if (p == s || (!name_letter_byte((unsigned char)p[-1]) && p[-1] != '.'))
			return VAL_NAME_COMMA;
		if (*t == ' ')
			t++;
		if (*t == '\0' || *t == ',')
			return VAL_NAME_COMMA;
		while (*t != '\0' && *t != ',') {
			size_t n = token_len(t);

			if (n == 0 || (!known_suffix(t, n) && !dotted_title(t, n)))
				return VAL_NAME_COMMA;
			t += n;
			if (*t == ' ')
				t++;
		}
		*title = true;
	}
	return VAL_OK;
}

val_code val_name(const char *in, char *out, size_t cap, val_code *warning)
{
	wbuf w = w_open(out, cap);
	char tmp[VAL_NAME_CAP];
	size_t tl = 0;
	int ncp = 0;
	bool pending = false, letter = false, too_long = false, title;
	ncls prev = N_SPACE;
	const unsigned char *p;
	val_code rc;

	if (warning != NULL)
		*warning = VAL_OK;
	if (in == NULL)
		in = "";
	if (val_utf8_len(in) < 0)
		return w_fail(&w, VAL_BAD_UTF8);

	for (p = (const unsigned char *)in; *p != '\0';) {
		uint32_t cp;
		int n = utf8_next(p, &cp);
		ncls k = name_class(cp);
		const char *bytes = (const char *)p;
		int emit = 0;

		p += n;
		switch (k) {
		case N_DIGIT:
			rc = VAL_NAME_DIGITS;
			goto fail;
		case N_OTHER:
			rc = VAL_NAME_CHARS;
			goto fail;
		case N_SPACE:
			if (ncp > 0 || too_long)
				pending = true;
			continue;
		case N_MARK:
			if (pending || (prev != N_LETTER && prev != N_MARK)) {
				rc = VAL_NAME_CHARS;
				goto fail;
			}
			break;
		case N_COMMA:
			pending = false; /* no space before a comma */
			break;
		default:
			break;
		}
		if (pending)
			emit++;
		emit++;
		if (too_long || ncp + emit > VAL_NAME_MAX_CHARS) {
			too_long = true;
		} else {
			if (pending)
				tmp[tl++] = ' ';
			if (k == N_APOS) {
				tmp[tl++] = '\'';
			} else {
				memcpy(tmp + tl, bytes, (size_t)n);
				tl += (size_t)n;
			}
			ncp += emit;
		}
		pending = k == N_COMMA; /* exactly one space after it */
		prev = k;
		letter |= k == N_LETTER;
	}
	tmp[tl] = '\0';

	if (ncp == 0 && !too_long) {
		rc = VAL_EMPTY;
		goto fail;
	}
	if (!letter) {
		rc = VAL_NAME_NO_LETTER;
		goto fail;
	}
	if (too_long) {
		rc = VAL_NAME_TOO_LONG;
		goto fail;
	}
	rc = name_structure(tmp, &title);
	if (rc != VAL_OK)
		goto fail;
	if (ncp < VAL_NAME_MIN_CHARS) {
		rc = VAL_NAME_TOO_SHORT;
		goto fail;
	}
	w_put(&w, tmp, tl);
	rc = w_close(&w);
	if (rc == VAL_OK && title && warning != NULL)
		*warning = VAL_W_NAME_TITLE;
	explicit_bzero(tmp, sizeof tmp);
	return rc;

fail:
	explicit_bzero(tmp, sizeof tmp);
	return w_fail(&w, rc);
}

/* ---- free text ----------------------------------------------------------------- */

/* Characters refused in free text (white space is handled before). */
static bool text_forbidden(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF;
}

val_code val_text(const char *in, char *out, size_t cap, int min_chars, int max_chars)
{
	wbuf w = w_open(out, cap);
	const unsigned char *p;
	size_t n = 0, min, max;
	bool pending = false;

	if (in == NULL)
		in = "";
	if (val_utf8_len(in) < 0)
		return w_fail(&w, VAL_BAD_UTF8);
	min = min_chars > 0 ? (size_t)min_chars : 0;
	max = max_chars > 0 ? (size_t)max_chars : 0;

	for (p = (const unsigned char *)in; *p != '\0';) {
		uint32_t cp;
		int len = utf8_next(p, &cp);

		if (uni_space(cp)) {
			pending = n > 0;
		} else if (text_forbidden(cp)) {
			return w_fail(&w, VAL_BAD_CHARS);
		} else {
			if (pending) {
				w_putc(&w, ' ');
				n++;
				pending = false;
			}
			w_put(&w, p, (size_t)len);
			n++;
		}
		p += len;
	}
	if (n == 0 && min > 0)
		return w_fail(&w, VAL_EMPTY);
	if (n < min)
		return w_fail(&w, VAL_TOO_SHORT);
	if (n > max)
		return w_fail(&w, VAL_TOO_LONG);
	return w_close(&w);
}
