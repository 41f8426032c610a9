/*
 * fuzz_tlv: libFuzzer harness for the KTP-el record parser (drivers/ktp.c,
 * ktp_parse_record and ktp_record_size). Any input must give either a
 * well-formed identity (that encodes back to a record parsing to the same
 * identity) or an error with the identity wiped. Seeds: tests/fuzz/corpus/tlv.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ktp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t total;
	if (ktp_record_size(data, size, &total) == KTP_OK && (total < 2 || total > KTP_RECORD_MAX))
		abort();
	ktp_identity id, back;
	if (ktp_parse_record(data, size, &id) != KTP_OK) {
		static const ktp_identity zero;
		if (memcmp(&id, &zero, sizeof id) != 0)
			abort(); /* a refused record left data behind */
		return 0;
	}
	if (strlen(id.nik) != 16 || id.name[0] == '\0' || (id.sex != KTP_SEX_MALE && id.sex != KTP_SEX_FEMALE))
		abort();
	static uint8_t buf[KTP_RECORD_MAX];
	size_t n = ktp_encode_record(&id, buf, sizeof buf);
	if (n == 0 || ktp_parse_record(buf, n, &back) != KTP_OK || memcmp(&id, &back, sizeof id) != 0)
		abort();
	ktp_identity_wipe(&id);
	ktp_identity_wipe(&back);
	return 0;
}
