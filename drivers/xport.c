/*
 * xport: the transport seam's shared helpers (see xport.h).
 */
#include <time.h>

#include "xport.h"

const char *xport_err_name(xport_err e)
{
	switch (e) {
	case XPORT_OK: return "ok";
	case XPORT_ERR_TIMEOUT: return "timeout";
	case XPORT_ERR_GONE: return "reader unplugged";
	case XPORT_ERR_IO: return "transfer failed";
	case XPORT_ERR_NOMEM: return "out of memory";
	case XPORT_ERR_ACCESS: return "reader cannot be claimed";
	case XPORT_ERR_NOT_FOUND: return "no reader";
	case XPORT_ERR_UNSUPPORTED: return "not supported by this reader";
	default: return "unknown transport error";
	}
}

int64_t xport_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t xport_deadline_in(int64_t ms)
{
	return xport_now_ms() + ms;
}
