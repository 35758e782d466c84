/*
 * gmpki/uscc.h - 统一社会信用代码 (GB 32100-2015) and the older 9-character
 * 组织机构代码 (GB 11714-1997).
 */
#ifndef GMPKI_USCC_H
#define GMPKI_USCC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GMPKI_USCC_LEN 18
#define GMPKI_ORGCODE_LEN 9

/*
 * Validates an 18-character 统一社会信用代码.  Returns 0, or
 * GMPKI_ERR_USCC_LENGTH, GMPKI_ERR_USCC_CHAR (with *pos the 1-based
 * position of the first bad character) or GMPKI_ERR_USCC_CHECK (with *pos =
 * 18 and *expected the check character it should have).  pos and expected
 * may be NULL.  Lower-case letters are refused: the standard's alphabet is
 * upper case.
 */
int gmpki_uscc_validate(const char *code, size_t *pos, char *expected);

/*
 * Validates a 组织机构代码 (8 characters + check, digits and upper-case
 * letters; an optional '-' before the check character).  Same outputs with
 * GMPKI_ERR_ORGCODE; *pos is 0 for a wrong length and counts the '-' when
 * present.  gmpki_uscc_validate does not apply this to positions 9-17 (see
 * lib/uscc.c); call it on code + 8 for that stricter check.
 */
int gmpki_orgcode_validate(const char *code, size_t *pos, char *expected);

/*
 * The check character of the first 17 characters of a USCC, or 0 when one
 * of them is outside the character set (no other rule is applied).
 */
char gmpki_uscc_check_char(const char *first17);

#ifdef __cplusplus
}
#endif
#endif
