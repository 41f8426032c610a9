/*
 * csim: the shared context of kiosk-central-sim, the local central service
 * for development and tests (docs/sync-protocol.md; central/README.md).
 *
 * main (csim_main.c) builds one csim_app and hands it to the HTTP layer
 * (csim_http.c), which runs every call through the pipeline in csim_flow.c:
 * routing, device authentication (csim_auth.c), idempotency (csim_inflight.c
 * and the store), fault injection (csim_faults.c), then one endpoint handler
 * (csim_api_*.c, csim_sim.c) inside one SQLite transaction (csim_store*.c).
 * There is no global state: everything hangs off this struct.
 */
#ifndef CSIM_H
#define CSIM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "csim_auth.h"
#include "csim_faults.h"
#include "csim_inflight.h"
#include "csim_store.h"

#define CSIM_NAME "kiosk-central-sim"
#define CSIM_VERSION "1.0"        /* the protocol version /v1/health reports */
#define CSIM_BODY_MAX (64 * 1024) /* request body cap (413 body_too_large) */
#define CSIM_CLOCK_SKEW 300       /* seconds X-Kiosk-Time may differ from ours */
#define CSIM_NONCE_WINDOW 600     /* seconds a nonce is remembered */
#define CSIM_CLOCK_OFFSET_MAX (3650 * 86400LL) /* --clock-offset: at most 10 years either way */

typedef struct csim_app {
	csim_store *store;       /* owned by main */
	csim_kiosks *kiosks;     /* read-only once the server runs */
	csim_faults *faults;     /* thread-safe */
	csim_inflight *inflight; /* thread-safe */
	bool no_ticket_check;    /* --no-ticket-check: store duplicate tickets as rows */
	bool quiet;              /* --quiet: no per-request log lines */
	int64_t clock_offset;    /* --clock-offset: seconds added to the real time (csim_now()) */
	atomic_bool ready;       /* /v1/health says 200 only while set */
	atomic_ullong calls;     /* /v1 calls answered or dropped */
	atomic_ullong replays;   /* answers replayed under an idempotency key */
	atomic_ullong in_flight; /* 409 idempotency_in_flight answers */
} csim_app;

/*
 * The server's clock as a kiosk sees and is judged by it: the real time plus
 * APP->clock_offset (--clock-offset), in epoch seconds. Used for the "time"
 * of /v1/health, the Date header and the X-Kiosk-Time skew check only;
 * stored timestamps keep the real time, so a database outlives a run with a
 * wrong clock. Never blocks.
 */
static inline int64_t csim_now(const csim_app *app)
{
	return (int64_t)time(NULL) + app->clock_offset;
}

#endif
