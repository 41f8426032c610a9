/*
 * reader: the reader thread and the reader check (see reader.h).
 *
 * The thread is a loop over two states. Without a reader it tries to open
 * one every arrival_ms, sooner when the backend reports a hotplug arrival.
 * With one it waits for a slot change in short slices (so reader_stop is
 * heard quickly): on the interrupt endpoint when there is one, with a
 * GetSlotStatus now and then as a fallback for a lost notification, or by
 * polling GetSlotStatus every poll_ms without one. A card that appears is
 * read at once; a failure of any step is reported and the thread then waits
 * for the card to leave. XPORT_ERR_GONE anywhere means the reader was
 * unplugged: close, report, and look for it again.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "card.h"
#include "ktpcard.h"
#include "reader.h"

enum {
	SLICE_MS = 500,           /* the longest wait before the stop flag is looked at */
	FALLBACK_POLL_MS = 2000,  /* GetSlotStatus beside the interrupt endpoint */
	REFUSED_RETRY_MS = 10000, /* a refused reader is looked at again this often */
};

struct reader {
	xport x;
	rdr_evq *q;
	reader_opts o;
	pthread_t thread;
	pthread_mutex_t lock; /* guards stop and st */
	bool stop;
	bool reread;          /* reader_request_read */
	reader_status st;
	int last_progress;    /* the reader thread's own */
};

static reader_opts defaults(const reader_opts *o)
{
	reader_opts d = o ? *o : (reader_opts){0};
	if (d.timeout_ms <= 0)
		d.timeout_ms = 3000;
	if (d.poll_ms <= 0)
		d.poll_ms = 250;
	if (d.arrival_ms <= 0)
		d.arrival_ms = 1000;
	if (!o) {
		d.card_slot = 0;
		d.sam_slot = 1;
	}
	return d;
}

/* Take the re-read request (thread side). */
static bool take_reread(reader *r)
{
	pthread_mutex_lock(&r->lock);
	bool again = r->reread;
	r->reread = false;
	pthread_mutex_unlock(&r->lock);
	return again;
}

static bool stopping(reader *r)
{
	pthread_mutex_lock(&r->lock);
	bool s = r->stop;
	pthread_mutex_unlock(&r->lock);
	return s;
}

static void post(reader *r, rdr_event_type type, rdr_err err)
{
	rdr_evq_push(r->q, &(rdr_event){.type = type, .error = err});
}

static rdr_err map_apdu(apdu_err e)
{
	switch (e) {
	case APDU_OK: return RDR_OK;
	case APDU_ERR_TIMEOUT: return RDR_ERR_TIMEOUT;
	case APDU_ERR_GONE: return RDR_ERR_UNPLUGGED;
	case APDU_ERR_NO_CARD: return RDR_ERR_CARD_GONE;
	case APDU_ERR_MUTE: return RDR_ERR_CARD_MUTE;
	case APDU_ERR_UNSUPPORTED: return RDR_ERR_UNSUPPORTED;
	case APDU_ERR_NOMEM: return RDR_ERR_NOMEM;
	case APDU_ERR_IO: return RDR_ERR_IO;
	case APDU_ERR_PROTO:
	case APDU_ERR_TOOBIG:
	case APDU_ERR_ARG:
	default: return RDR_ERR_PROTOCOL;
	}
}

static rdr_why map_result(ktpcard_result res)
{
	switch (res) {
	case KTPCARD_NO_SAM: return RDR_WHY_NO_SAM;
	case KTPCARD_NOT_KTP: return RDR_WHY_NOT_KTP;
	case KTPCARD_AUTH: return RDR_WHY_AUTH;
	case KTPCARD_RECORD: return RDR_WHY_RECORD;
	default: return RDR_WHY_CARD_ERROR;
	}
}

static void hex(char *dst, size_t cap, const uint8_t *b, size_t n)
{
	size_t i = 0;
	for (; i < n && 2 * i + 2 < cap; i++) {
		dst[2 * i] = "0123456789ABCDEF"[b[i] >> 4];
		dst[2 * i + 1] = "0123456789ABCDEF"[b[i] & 15];
	}
	dst[2 * i] = '\0';
}

/* Record a failed read (thread side). */
static void read_failed(reader *r, rdr_err e, const char *what)
{
	pthread_mutex_lock(&r->lock);
	r->st.reads_failed++;
	r->st.last_error = what;
	pthread_mutex_unlock(&r->lock);
	post(r, RDR_EV_ERROR, e);
}

static void progress(void *user, int pct)
{
	reader *r = user;
	if (pct < r->last_progress + 10 && pct != 100)
		return; /* the queue is not a progress bar: steps of 10 */
	r->last_progress = pct;
	rdr_evq_push(r->q, &(rdr_event){.type = RDR_EV_READING, .progress = pct});
}

/*
 * Read the card in the card slot and post what came of it. Returns the
 * apdu_err that ended it (APDU_ERR_GONE tells the caller the reader left).
 */
static apdu_err read_card(reader *r, ccid *c, bool has_sam)
{
	const char *why = NULL;
	card k, sam;
	memset(&sam, 0, sizeof sam);
	r->last_progress = 0;
	apdu_err e = card_connect(&k, c, r->o.card_slot, xport_deadline_in(r->o.timeout_ms), &why);
	if (e != APDU_OK) {
		read_failed(r, map_apdu(e), why ? why : apdu_err_name(e));
		return e;
	}
	pthread_mutex_lock(&r->lock);
	hex(r->st.atr_hex, sizeof r->st.atr_hex, k.atr, k.atr_len);
	pthread_mutex_unlock(&r->lock);
	progress(r, 5);

	rdr_event ev = {.type = RDR_EV_IDENTITY};
	ktpcard_detail d;
	ktpcard_result res = ktpcard_read_uid(&k, ev.uid, &d, xport_deadline_in(r->o.timeout_ms));
	if (res == KTPCARD_IO) {
		e = d.io;
		read_failed(r, map_apdu(e), apdu_err_name(e));
		goto done;
	}
	/* A reader without the UID pseudo-APDU still reads the record. */
	if (res != KTPCARD_OK)
		ev.uid[0] = '\0';

	bool sam_ok = false;
	if (has_sam) {
		e = card_connect(&sam, c, r->o.sam_slot, xport_deadline_in(r->o.timeout_ms), &why);
		if (e == APDU_ERR_GONE || e == APDU_ERR_TIMEOUT) {
			read_failed(r, map_apdu(e), apdu_err_name(e));
			goto done;
		}
		sam_ok = e == APDU_OK; /* no SAM in its slot: the UID only */
	}
	res = ktpcard_read_identity(&k, sam_ok ? &sam : NULL, &ev.id, &d, progress, r,
				    xport_deadline_in(r->o.timeout_ms));
	e = APDU_OK;
	/* The counters before the event: whoever hears of the read finds it
	 * counted (the technician's test read waits on them). */
	if (res == KTPCARD_OK) {
		pthread_mutex_lock(&r->lock);
		r->st.reads_ok++;
		r->st.last_error = "";
		pthread_mutex_unlock(&r->lock);
		rdr_evq_push(r->q, &ev);
	} else if (res == KTPCARD_IO) {
		e = d.io;
		read_failed(r, map_apdu(e), d.step ? d.step : apdu_err_name(e));
	} else {
		rdr_event u = {.type = RDR_EV_CARD_UNREADABLE, .why = map_result(res)};
		memcpy(u.uid, ev.uid, sizeof u.uid);
		pthread_mutex_lock(&r->lock);
		r->st.reads_unreadable++;
		r->st.last_error = ktpcard_result_name(res);
		pthread_mutex_unlock(&r->lock);
		rdr_evq_push(r->q, &u);
		rdr_event_wipe(&u);
	}
done:
	rdr_event_wipe(&ev);
	int64_t off = xport_deadline_in(r->o.timeout_ms);
	if (sam.powered)
		card_disconnect(&sam, off);
	if (e != APDU_ERR_GONE)
		card_disconnect(&k, off);
	else
		card_disconnect(&k, xport_now_ms()); /* frees; no reader to talk to */
	return e;
}

/* Try to open a reader: true with *C set when one is ready. */
static bool attach(reader *r, ccid **c, xport_info *info, bool *refused)
{
	memset(info, 0, sizeof *info);
	xport_err xe = r->x.ops->open(r->x.ctx, info);
	if (xe != XPORT_OK)
		return false;
	const char *why = NULL;
	ccid_err ce = ccid_open(c, r->x, info, &why);
	if (ce != CCID_OK) {
		r->x.ops->close(r->x.ctx);
		pthread_mutex_lock(&r->lock);
		bool again = *refused;
		r->st.refused_why = why ? why : ccid_err_name(ce);
		snprintf(r->st.name, sizeof r->st.name, "%s", info->name);
		pthread_mutex_unlock(&r->lock);
		if (!again) /* say it once, not every retry */
			post(r, RDR_EV_ERROR, RDR_ERR_UNSUPPORTED);
		*refused = true;
		return false;
	}
	*refused = false;
	pthread_mutex_lock(&r->lock);
	r->st.attached = true;
	r->st.attaches++;
	snprintf(r->st.name, sizeof r->st.name, "%s", info->name);
	snprintf(r->st.path, sizeof r->st.path, "%s", info->path);
	r->st.vid = info->vid;
	r->st.pid = info->pid;
	r->st.desc = *ccid_descriptor(*c);
	r->st.desc_ok = true;
	r->st.has_interrupt = info->has_interrupt;
	r->st.has_sam_slot = r->st.desc.max_slot_index >= r->o.sam_slot && r->o.sam_slot != r->o.card_slot;
	r->st.refused_why = "";
	r->st.card_present = false;
	pthread_mutex_unlock(&r->lock);
	post(r, RDR_EV_ATTACHED, RDR_OK);
	return true;
}

static void detach(reader *r, ccid **c, bool had_card)
{
	ccid_free(c);
	r->x.ops->close(r->x.ctx);
	pthread_mutex_lock(&r->lock);
	r->st.attached = false;
	r->st.card_present = false;
	r->st.detaches++;
	pthread_mutex_unlock(&r->lock);
	if (had_card)
		post(r, RDR_EV_CARD_REMOVED, RDR_OK);
	post(r, RDR_EV_DETACHED, RDR_OK);
}

/*
 * Wait up to SLICE_MS for the card slot's state. Returns CCID_OK with
 * *PRESENT, CCID_ERR_TIMEOUT when nothing was learnt, or the error.
 */
static ccid_err watch(reader *r, ccid *c, bool has_interrupt, int64_t *next_poll,
		      bool *present)
{
	int64_t now = xport_now_ms();
	if (has_interrupt) {
		uint8_t p = 0, ch = 0;
		int64_t until = now + SLICE_MS < *next_poll ? now + SLICE_MS : *next_poll;
		ccid_err e = ccid_poll_change(c, &p, &ch, until);
		if (e == CCID_OK) {
			*present = p >> r->o.card_slot & 1;
			return CCID_OK;
		}
		if (e != CCID_ERR_TIMEOUT && e != CCID_ERR_FAILED)
			return e;
		if (xport_now_ms() < *next_poll)
			return CCID_ERR_TIMEOUT;
	} else if (now < *next_poll) {
		struct timespec ts = {0, (long)(*next_poll - now) * 1000000L};
		if (*next_poll - now > SLICE_MS)
			ts.tv_nsec = SLICE_MS * 1000000L;
		nanosleep(&ts, NULL);
		return CCID_ERR_TIMEOUT;
	}
	*next_poll = xport_now_ms() + (has_interrupt ? FALLBACK_POLL_MS : r->o.poll_ms);
	ccid_icc icc;
	ccid_err e = ccid_slot_status(c, r->o.card_slot, &icc, xport_deadline_in(r->o.timeout_ms));
	if (e == CCID_OK)
		*present = icc != CCID_ICC_ABSENT;
	return e;
}

static void *run(void *arg)
{
	reader *r = arg;
	ccid *c = NULL;
	xport_info info;
	bool present_known = false; /* a card in the card slot, as last seen */
	bool refused = false, has_sam = false;
	int64_t next_try = 0, next_poll = 0;

	while (!stopping(r)) {
		if (!c) {
			int64_t now = xport_now_ms();
			if (now >= next_try) {
				next_try = now + (refused ? REFUSED_RETRY_MS : r->o.arrival_ms);
				if (attach(r, &c, &info, &refused)) {
					present_known = false;
					next_poll = 0; /* the slot's state at once */
					pthread_mutex_lock(&r->lock);
					has_sam = r->st.has_sam_slot;
					pthread_mutex_unlock(&r->lock);
					continue;
				}
			}
			int64_t until = now + SLICE_MS < next_try ? now + SLICE_MS : next_try;
			if (r->x.ops->wait_arrival(r->x.ctx, until) && until < next_try &&
			    xport_now_ms() < until)
				next_try = 0; /* a hotplug arrival: look now */
			continue;
		}
		bool present = present_known;
		ccid_err e = watch(r, c, info.has_interrupt, &next_poll, &present);
		if (e == CCID_ERR_GONE) {
			detach(r, &c, present_known);
			present_known = false;
			next_try = 0;
			continue;
		}
		bool reread = take_reread(r) && present_known;
		if (!reread && (e != CCID_OK || present == present_known))
			continue;
		if (e == CCID_OK)
			present_known = present;
		pthread_mutex_lock(&r->lock);
		r->st.card_present = present_known;
		pthread_mutex_unlock(&r->lock);
		if (!present_known) {
			post(r, RDR_EV_CARD_REMOVED, RDR_OK);
			continue;
		}
		post(r, RDR_EV_CARD_PRESENT, RDR_OK);
		if (read_card(r, c, has_sam) == APDU_ERR_GONE) {
			detach(r, &c, true);
			present_known = false;
			next_try = 0;
		}
		/* A card removed mid-read: the next slot state reports it. */
		next_poll = 0;
	}
	if (c) {
		ccid_free(&c);
		r->x.ops->close(r->x.ctx);
	}
	return NULL;
}

rdr_err reader_start(reader **out, xport x, rdr_evq *q, const reader_opts *opts)
{
	*out = NULL;
	reader *r = calloc(1, sizeof *r);
	if (!r)
		return RDR_ERR_NOMEM;
	r->x = x;
	r->q = q;
	r->o = defaults(opts);
	r->st.last_error = "";
	r->st.refused_why = "";
	pthread_mutex_init(&r->lock, NULL);
	if (pthread_create(&r->thread, NULL, run, r) != 0) {
		pthread_mutex_destroy(&r->lock);
		free(r);
		return RDR_ERR_IO;
	}
	*out = r;
	return RDR_OK;
}

void reader_stop(reader **rp)
{
	if (!rp || !*rp)
		return;
	reader *r = *rp;
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	pthread_mutex_destroy(&r->lock);
	free(r);
	*rp = NULL;
}

void reader_request_read(reader *r)
{
	pthread_mutex_lock(&r->lock);
	r->reread = true;
	pthread_mutex_unlock(&r->lock);
}

void reader_get_status(reader *r, reader_status *out)
{
	pthread_mutex_lock(&r->lock);
	*out = r->st;
	pthread_mutex_unlock(&r->lock);
}

/* ---- the reader check ------------------------------------------------------ */

void reader_print_desc(FILE *out, const ccid_desc *d)
{
	fprintf(out, "  CCID %x.%02x, slots %u, exchange level: %s\n", d->bcd_ccid >> 8,
		d->bcd_ccid & 0xFF, d->max_slot_index + 1u, ccid_level_name(d->level));
	fprintf(out, "  protocols:%s%s, max message %lu bytes, max IFSD %lu\n",
		d->protocols & 1 ? " T=0" : "", d->protocols & 2 ? " T=1" : "",
		(unsigned long)d->max_msg_len, (unsigned long)d->max_ifsd);
	fprintf(out, "  dwFeatures 0x%08lx, clock %lu kHz, data rate %lu bps\n",
		(unsigned long)d->features, (unsigned long)d->default_clock_khz,
		(unsigned long)d->data_rate);
}

/* reader.h spells these sizes out so that it need not include card.h. */
_Static_assert(sizeof ((reader_probe_result *)0)->uid == KTP_UID_CAP, "uid: KTP_UID_CAP");
_Static_assert(sizeof ((reader_probe_result *)0)->atr_hex == 2 * ATR_MAX + 1, "atr_hex: ATR_MAX");

/* reader_probe_ex's code for what R found. */
static int probe_code(const reader_probe_result *r)
{
	if (r->end != READER_PROBE_DONE)
		return 2;
	return r->record_read ? 0 : 1;
}

/* Wait up to WAIT_MS for a card in the card slot. CCID_OK with *ICC. */
static ccid_err wait_card(ccid *c, const reader_opts *o, int wait_ms, ccid_icc *icc)
{
	int64_t until = xport_deadline_in(wait_ms);
	ccid_err ce;
	*icc = CCID_ICC_ABSENT;
	do {
		ce = ccid_slot_status(c, o->card_slot, icc, xport_deadline_in(o->timeout_ms));
		if (ce != CCID_OK || *icc != CCID_ICC_ABSENT)
			break;
		struct timespec ts = {0, 100 * 1000000L};
		nanosleep(&ts, NULL);
	} while (xport_now_ms() < until);
	return ce;
}

/* The powered card K: its UID, the SAM, the record (wiped at once). */
static void probe_card(ccid *c, card *k, const reader_opts *o, reader_probe_result *out)
{
	card sam;
	const char *why = NULL;
	memset(&sam, 0, sizeof sam);
	hex(out->atr_hex, sizeof out->atr_hex, k->atr, k->atr_len);
	out->protocol = k->proto == CARD_PROTO_T1 ? "T=1" : k->proto == CARD_PROTO_T0 ? "T=0" : "APDU level";
	ktpcard_detail det;
	ktpcard_result res = ktpcard_read_uid(k, out->uid, &det, xport_deadline_in(o->timeout_ms));
	out->uid_read = res == KTPCARD_OK;
	if (!out->uid_read) {
		explicit_bzero(out->uid, sizeof out->uid);
		out->uid_error = res == KTPCARD_IO ? apdu_err_name(det.io) : ktpcard_result_name(res);
	}
	bool has_sam = out->desc.max_slot_index >= o->sam_slot && o->sam_slot != o->card_slot;
	bool sam_ok = has_sam &&
		      card_connect(&sam, c, o->sam_slot, xport_deadline_in(o->timeout_ms), &why) == APDU_OK;
	out->sam = sam_ok    ? READER_PROBE_SAM_PRESENT
		   : has_sam ? READER_PROBE_SAM_ABSENT
			     : READER_PROBE_SAM_NO_SLOT;
	ktp_identity id;
	res = ktpcard_read_identity(k, sam_ok ? &sam : NULL, &id, &det, NULL, NULL,
				    xport_deadline_in(o->timeout_ms));
	ktp_identity_wipe(&id); /* the check says whether, never what */
	out->record_read = res == KTPCARD_OK;
	if (!out->record_read) {
		out->record_err = res == KTPCARD_IO ? map_apdu(det.io) : RDR_OK;
		out->record_why = res == KTPCARD_IO ? RDR_WHY_NONE : map_result(res);
		out->record_error = ktpcard_result_name(res);
		out->record_step = det.step;
	}
	if (sam_ok)
		card_disconnect(&sam, xport_deadline_in(o->timeout_ms));
}

int reader_probe_ex(xport x, const reader_opts *opts, int wait_ms, reader_probe_result *out)
{
	reader_opts o = defaults(opts);
	memset(out, 0, sizeof *out);
	out->end = READER_PROBE_NO_READER;
	out->open_err = x.ops->open(x.ctx, &out->info);
	if (out->open_err != XPORT_OK)
		return 2;
	const char *why = NULL;
	ccid *c = NULL;
	ccid_err ce = ccid_desc_parse(out->info.ccid_desc, out->info.ccid_desc_len, &out->desc, &why);
	out->desc_ok = ce == CCID_OK || ce == CCID_ERR_UNSUPPORTED;
	out->end = READER_PROBE_UNSUPPORTED;
	ce = ccid_open(&c, x, &out->info, &why);
	if (ce != CCID_OK) {
		out->unsupported = why ? why : ccid_err_name(ce);
		goto close;
	}
	out->end = READER_PROBE_NO_CARD;
	ccid_icc icc;
	ce = wait_card(c, &o, wait_ms, &icc);
	if (ce != CCID_OK || icc == CCID_ICC_ABSENT) {
		out->slot_error = ce != CCID_OK ? ccid_err_name(ce) : NULL;
		goto close;
	}
	out->end = READER_PROBE_NO_POWER;
	card k;
	apdu_err e = card_connect(&k, c, o.card_slot, xport_deadline_in(o.timeout_ms), &why);
	if (e != APDU_OK) {
		out->power_error = why ? why : apdu_err_name(e);
		goto close;
	}
	out->end = READER_PROBE_DONE;
	probe_card(c, &k, &o, out);
	card_disconnect(&k, xport_deadline_in(o.timeout_ms));
close:
	ccid_free(&c);
	x.ops->close(x.ctx);
	return probe_code(out);
}

int reader_probe(xport x, const reader_opts *opts, int wait_ms, FILE *out)
{
	reader_probe_result r;
	int rc = reader_probe_ex(x, opts, wait_ms, &r);
	if (r.end == READER_PROBE_NO_READER) {
		fprintf(out, "no reader: %s\n", xport_err_name(r.open_err));
		return rc;
	}
	fprintf(out, "reader: %s (%04x:%04x) at %s%s\n", r.info.name, r.info.vid, r.info.pid, r.info.path,
		r.info.has_interrupt ? ", interrupt endpoint" : ", no interrupt endpoint (polled)");
	if (r.desc_ok)
		reader_print_desc(out, &r.desc);
	switch (r.end) {
	case READER_PROBE_NO_READER: break;
	case READER_PROBE_UNSUPPORTED: fprintf(out, "unsupported reader: %s\n", r.unsupported); break;
	case READER_PROBE_NO_CARD:
		fprintf(out, "no card on the reader%s%s\n", r.slot_error ? ": " : "",
			r.slot_error ? r.slot_error : "");
		break;
	case READER_PROBE_NO_POWER: fprintf(out, "card: power on failed: %s\n", r.power_error); break;
	case READER_PROBE_DONE:
		fprintf(out, "ATR: %s (protocol %s)\n", r.atr_hex, r.protocol);
		if (r.uid_read)
			fprintf(out, "UID: %s\n", r.uid);
		else
			fprintf(out, "UID: not read (%s)\n", r.uid_error);
		fprintf(out, "SAM: %s\n", r.sam == READER_PROBE_SAM_PRESENT  ? "present"
					  : r.sam == READER_PROBE_SAM_ABSENT ? "slot empty or not answering"
									     : "no SAM slot");
		if (r.record_read)
			fprintf(out, "demographic record: read (NIK valid)\n");
		else
			fprintf(out, "demographic record: not read: %s%s%s\n", r.record_error,
				r.record_step ? " at " : "", r.record_step ? r.record_step : "");
		break;
	}
	explicit_bzero(r.uid, sizeof r.uid);
	return rc;
}
