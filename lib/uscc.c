/*
 * uscc.c - 统一社会信用代码 (GB 32100-2015) and 组织机构代码 (GB 11714-1997).
 *
 * GB 32100-2015 §4: 18 characters from the 31-character set
 * 0123456789ABCDEFGHJKLMNPQRTUWXY (no I, O, S, V, Z), in five parts:
 *   position 1      登记管理部门代码 (registration authority)
 *   position 2      机构类别代码 (organisation category)
 *   positions 3-8   登记管理机关行政区划码 (GB/T 2260 division, digits)
 *   positions 9-17  主体标识码 (the GB 11714 组织机构代码, check included)
 *   position 18     校验码
 * §5 / annex: C18 = 31 - MOD(Σ Ci × Wi, 31), i = 1..17, with Wi = 3^(i-1)
 * mod 31 and 31 written as 0.
 *
 * What is enforced, and why.  Only rules that every known-good vector
 * satisfies (the standard's own example 91350100M000100Y43 and the real
 * codes 91110108551385082Q and 91110000600037341L) and that the standard
 * states for every code:
 *   - length 18, every character in the 31-character set, upper case only;
 *   - positions 3-8 are digits (an administrative-division code);
 *   - the mod-31 check character.
 * Not enforced:
 *   - position 1 against the table of registration authorities.  The
 *     original table had 1 (机构编制), 5 (民政), 9 (工商), Y (其他); later
 *     notices added more (2-8, A-G, N, ...), and the list keeps growing, so
 *     any character of the set is accepted there; likewise position 2.
 *   - the GB 11714 check of positions 9-17.  All three vectors pass it, but
 *     the standard defines position 18 as the code's check character, the
 *     mod-31 check already catches every single-character substitution and
 *     every adjacent transposition (31 is prime and the weights are distinct
 *     and non-zero), and a stricter local rule risks refusing a genuine
 *     organisation a certificate.  Callers who want it call
 *     gmpki_orgcode_validate(code + 8, ...) themselves.
 */
#include "gmpki/gmpki.h"

#include <string.h>

static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* GB 32100-2015 §5: Wi = 3^(i-1) mod 31. */
static const int uscc_weights[17] = {
	1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
};

/* GB 11714-1997 §5.2: weights of the eight body characters. */
static const int orgcode_weights[8] = { 3, 7, 9, 10, 5, 8, 4, 2 };

/* Value 0-30 of a USCC character, or -1 (lower case is not in the set). */
static int
uscc_value(char c)
{
	const char *p;

	if (c == '\0' || (p = strchr(uscc_alphabet, c)) == NULL)
		return -1;
	return (int)(p - uscc_alphabet);
}

/* GB 11714-1997 §5.2: digits are 0-9, letters A-Z are 10-35. */
static int
orgcode_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return -1;
}

char
gmpki_uscc_check_char(const char *first17)
{
	int i, v, sum = 0, c18;

	if (first17 == NULL)
		return 0;
	for (i = 0; i < 17; i++) {
		/* Stops at the NUL of a short string: uscc_value('\0') < 0. */
		if ((v = uscc_value(first17[i])) < 0)
			return 0;
		sum += v * uscc_weights[i];
	}
	c18 = 31 - sum % 31;
	if (c18 == 31)
		c18 = 0;
	return uscc_alphabet[c18];
}

int
gmpki_uscc_validate(const char *code, size_t *pos, char *expected)
{
	size_t i;
	char want;

	if (pos != NULL)
		*pos = 0;
	if (expected != NULL)
		*expected = '\0';
	if (code == NULL)
		return GMPKI_ERR_ARG;
	if (strnlen(code, GMPKI_USCC_LEN + 1) != GMPKI_USCC_LEN)
		return GMPKI_ERR_USCC_LENGTH;
	for (i = 0; i < GMPKI_USCC_LEN; i++) {
		if (uscc_value(code[i]) < 0 ||
		    (i >= 2 && i <= 7 && (code[i] < '0' || code[i] > '9'))) {
			if (pos != NULL)
				*pos = i + 1;
			return GMPKI_ERR_USCC_CHAR;
		}
	}
	want = gmpki_uscc_check_char(code);
	if (want == 0)
		return GMPKI_ERR_INTERNAL;	/* characters checked above */
	if (code[GMPKI_USCC_LEN - 1] != want) {
		if (pos != NULL)
			*pos = GMPKI_USCC_LEN;
		if (expected != NULL)
			*expected = want;
		return GMPKI_ERR_USCC_CHECK;
	}
	return 0;
}

/*
 * GB 11714-1997: eight body characters (digits or upper-case letters) and
 * a check character C9 = 11 - MOD(Σ Ci × Wi, 11), 10 written X, 11 written
 * 0.  Printed codes put a '-' before the check character; both forms are
 * accepted.  *pos is the 1-based position in the string as given (0 for a
 * wrong length).
 */
int
gmpki_orgcode_validate(const char *code, size_t *pos, char *expected)
{
	size_t len, i, ci;
	int v, sum = 0, c9;
	char want;

	if (pos != NULL)
		*pos = 0;
	if (expected != NULL)
		*expected = '\0';
	if (code == NULL)
		return GMPKI_ERR_ARG;
	len = strnlen(code, GMPKI_ORGCODE_LEN + 2);
	if (len != GMPKI_ORGCODE_LEN && len != GMPKI_ORGCODE_LEN + 1)
		return GMPKI_ERR_ORGCODE;
	if (len == GMPKI_ORGCODE_LEN + 1 && code[8] != '-') {
		if (pos != NULL)
			*pos = 9;
		return GMPKI_ERR_ORGCODE;
	}
	ci = len - 1;
	for (i = 0; i < 8; i++) {
		if ((v = orgcode_value(code[i])) < 0) {
			if (pos != NULL)
				*pos = i + 1;
			return GMPKI_ERR_ORGCODE;
		}
		sum += v * orgcode_weights[i];
	}
	c9 = 11 - sum % 11;
	want = c9 == 10 ? 'X' : c9 == 11 ? '0' : (char)('0' + c9);
	if (code[ci] != want) {
		if (pos != NULL)
			*pos = ci + 1;
		if (expected != NULL)
			*expected = want;
		return GMPKI_ERR_ORGCODE;
	}
	return 0;
}
