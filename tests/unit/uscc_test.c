/*
 * uscc_test.c - 统一社会信用代码 (GB 32100-2015) and 组织机构代码
 * (GB 11714-1997) validation.
 */
#include "test.h"

static const char *const valid_uscc[] = {
	"91350100M000100Y43",	/* GB 32100-2015's own example */
	"91110108551385082Q",
	"91110000600037341L",
};
#define NVALID (sizeof(valid_uscc) / sizeof(valid_uscc[0]))

static const char uscc_set[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static void
test_uscc_valid(void)
{
	size_t i, pos;
	char exp, first17[18];

	for (i = 0; i < NVALID; i++) {
		pos = 99;
		exp = 'z';
		CHECK_OK(gmpki_uscc_validate(valid_uscc[i], &pos, &exp));
		CHECK(pos == 0 && exp == '\0');
		CHECK_OK(gmpki_uscc_validate(valid_uscc[i], NULL, NULL));
		memcpy(first17, valid_uscc[i], 17);
		first17[17] = '\0';
		CHECK(gmpki_uscc_check_char(first17) == valid_uscc[i][17]);
	}
}

/*
 * Independent of the library's arithmetic: GB 32100 makes the weighted sum
 * of all 18 characters (W18 = 1) a multiple of 31.
 */
static int
weighted_sum_mod31(const char *code)
{
	static const int w[18] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25,
	    13, 8, 24, 10, 30, 28, 1 };
	int i, sum = 0;

	for (i = 0; i < 18; i++)
		sum += (int)(strchr(uscc_set, code[i]) - uscc_set) * w[i];
	return sum % 31;
}

static void
test_uscc_check_char_all_values(void)
{
	char code[19], c;
	size_t i;
	int seen0 = 0, seenY = 0;

	for (i = 0; i < NVALID; i++)
		CHECK(weighted_sum_mod31(valid_uscc[i]) == 0);
	/* Vary position 16 over the whole set: every check value appears. */
	for (i = 0; i < 31; i++) {
		memcpy(code, "911101085513850?2", 17);
		code[15] = uscc_set[i];
		code[17] = '\0';
		c = gmpki_uscc_check_char(code);
		CHECK(c != 0 && strchr(uscc_set, c) != NULL);
		code[17] = c;
		code[18] = '\0';
		CHECK(weighted_sum_mod31(code) == 0);
		CHECK_OK(gmpki_uscc_validate(code, NULL, NULL));
		seen0 += c == '0';
		seenY += c == 'Y';
	}
	/* 31 -> 0, and 30 -> Y. */
	CHECK(seen0 == 1 && seenY == 1);
	CHECK_OK(gmpki_uscc_validate("911101085513850F20", NULL, NULL));
	CHECK_OK(gmpki_uscc_validate("911101085513850E2Y", NULL, NULL));

	CHECK(gmpki_uscc_check_char(NULL) == 0);
	CHECK(gmpki_uscc_check_char("9111010855138508") == 0); /* 16 chars */
	CHECK(gmpki_uscc_check_char("91110108551385O82") == 0);
	CHECK(gmpki_uscc_check_char("91110108551385o82") == 0);
}

/* Every single-character change of a valid code is refused, precisely. */
static void
test_uscc_mutations(void)
{
	static const char extra[] = "IOSVZabcioqxyz-_ *#";
	char cands[64], code[19];
	size_t v, i, j, pos, ncand, refused = 0, tried = 0;
	char exp, orig, c;
	int rc, inset;

	snprintf(cands, sizeof(cands), "%s%s", uscc_set, extra);
	ncand = strlen(cands) + 2;
	for (v = 0; v < NVALID; v++) {
		for (i = 0; i < 18; i++) {
			for (j = 0; j < ncand; j++) {
				/* the last two: a UTF-8 lead byte and DEL */
				c = j < ncand - 2 ? cands[j] :
				    j == ncand - 2 ? (char)0xef : (char)0x7f;
				memcpy(code, valid_uscc[v], 19);
				orig = code[i];
				if (c == orig)
					continue;
				code[i] = c;
				tried++;
				pos = 0;
				exp = '\0';
				rc = gmpki_uscc_validate(code, &pos, &exp);
				refused += rc != 0;
				inset = strchr(uscc_set, c) != NULL;
				if (!inset || (i >= 2 && i <= 7 &&
				    !(c >= '0' && c <= '9'))) {
					CHECK_RC(rc, GMPKI_ERR_USCC_CHAR);
					CHECK(pos == i + 1);
				} else {
					CHECK_RC(rc, GMPKI_ERR_USCC_CHECK);
					CHECK(pos == 18);
					if (i == 17)
						CHECK(exp == orig);
					else
						CHECK(exp != '\0' &&
						    exp != code[17]);
				}
			}
		}
	}
	CHECK(tried > 3 * 18 * 40);
	CHECK(refused == tried);
}

static void
test_uscc_errors(void)
{
	size_t pos;
	char exp;

	CHECK_RC(gmpki_uscc_validate(NULL, &pos, &exp), GMPKI_ERR_ARG);
	CHECK_RC(gmpki_uscc_validate("", &pos, &exp), GMPKI_ERR_USCC_LENGTH);
	CHECK_RC(gmpki_uscc_validate("91110108551385082", &pos, &exp),
	    GMPKI_ERR_USCC_LENGTH);
	CHECK_RC(gmpki_uscc_validate("91110108551385082QQ", &pos, &exp),
	    GMPKI_ERR_USCC_LENGTH);
	CHECK_RC(gmpki_uscc_validate("91110108551385082Q ", &pos, &exp),
	    GMPKI_ERR_USCC_LENGTH);
	CHECK_RC(gmpki_uscc_validate(" 91110108551385082Q", &pos, &exp),
	    GMPKI_ERR_USCC_LENGTH);
	/* With a hyphen somewhere, as people sometimes type it. */
	CHECK_RC(gmpki_uscc_validate("911101085-51385082Q", &pos, &exp),
	    GMPKI_ERR_USCC_LENGTH);

	/* Lower case is refused where it stands. */
	CHECK_RC(gmpki_uscc_validate("91110108551385082q", &pos, &exp),
	    GMPKI_ERR_USCC_CHAR);
	CHECK(pos == 18);
	CHECK_RC(gmpki_uscc_validate("91350100m000100Y43", &pos, &exp),
	    GMPKI_ERR_USCC_CHAR);
	CHECK(pos == 9);
	CHECK_RC(gmpki_uscc_validate("91350100m000100y43", &pos, &exp),
	    GMPKI_ERR_USCC_CHAR);
	CHECK(pos == 9);

	/* The five letters GB 32100 leaves out: I O S V Z. */
	CHECK_RC(gmpki_uscc_validate("I1110108551385082Q", &pos, &exp),
	    GMPKI_ERR_USCC_CHAR);
	CHECK(pos == 1);
	CHECK_RC(gmpki_uscc_validate("9O110108551385082Q", &pos, &exp),
	    GMPKI_ERR_USCC_CHAR);
	CHECK(pos == 2);
	CHECK_RC(gmpki_uscc_validate("91350100S000100Y43", &pos, &exp),
	    GMPKI_ERR_USCC_CHAR);
	CHECK(pos == 9);
	CHECK_RC(gmpki_uscc_validate("91350100M000100V43", &pos, &exp),
	    GMPKI_ERR_USCC_CHAR);
	CHECK(pos == 16);
	CHECK_RC(gmpki_uscc_validate("91110108551385082Z", &pos, &exp),
	    GMPKI_ERR_USCC_CHAR);
	CHECK(pos == 18);
	/* The first bad character is the one reported. */
	CHECK_RC(gmpki_uscc_validate("91110108O51385082I", &pos, &exp),
	    GMPKI_ERR_USCC_CHAR);
	CHECK(pos == 9);

	/* Positions 3-8 are an administrative-division code: digits. */
	CHECK_RC(gmpki_uscc_validate("911A0108551385082Q", &pos, &exp),
	    GMPKI_ERR_USCC_CHAR);
	CHECK(pos == 4);
	CHECK_RC(gmpki_uscc_validate("9111010Y551385082Q", &pos, &exp),
	    GMPKI_ERR_USCC_CHAR);
	CHECK(pos == 8);

	/* Check character wrong: the right one is handed back. */
	exp = '\0';
	CHECK_RC(gmpki_uscc_validate("91110108551385082A", &pos, &exp),
	    GMPKI_ERR_USCC_CHECK);
	CHECK(pos == 18 && exp == 'Q');
	CHECK_RC(gmpki_uscc_validate("91350100M000100Y4Y", &pos, &exp),
	    GMPKI_ERR_USCC_CHECK);
	CHECK(pos == 18 && exp == '3');
	CHECK_RC(gmpki_uscc_validate("91110000600037341L", NULL, &exp), 0);
	CHECK_RC(gmpki_uscc_validate("91110000600037314L", NULL, NULL),
	    GMPKI_ERR_USCC_CHECK);	/* adjacent transposition */
}

/* The inner GB 11714 code is not enforced (see lib/uscc.c), but it holds
 * for all three vectors, so the stricter caller-side check works. */
static void
test_uscc_inner_orgcode(void)
{
	char body[GMPKI_ORGCODE_LEN + 1];
	size_t i;

	for (i = 0; i < NVALID; i++) {
		memcpy(body, valid_uscc[i] + 8, GMPKI_ORGCODE_LEN);
		body[GMPKI_ORGCODE_LEN] = '\0';
		CHECK_OK(gmpki_orgcode_validate(body, NULL, NULL));
	}
	/* A code valid under GB 32100 whose body fails GB 11714 passes. */
	CHECK_RC(gmpki_orgcode_validate("5513850F2", NULL, NULL),
	    GMPKI_ERR_ORGCODE);
	CHECK_OK(gmpki_uscc_validate("911101085513850F20", NULL, NULL));
}

/*
 * Valid 组织机构代码, their checks worked out by hand from GB 11714-1997
 * (weights 3,7,9,10,5,8,4,2; C9 = 11 - Σ mod 11): D2143569 (D = 13) has
 * Σ = 39+14+9+40+15+40+24+18 = 199, 199 mod 11 = 1, C9 = 10, written X;
 * 55138509 has Σ = 187 = 17 × 11, C9 = 11, written 0.
 */
static void
test_orgcode(void)
{
	static const char *const good[] = {
		"D2143569X", "D2143569-X", "M000100Y4", "M000100Y-4",
		"551385082", "55138508-2", "600037341", "60003734-1",
		"551385090", "55138509-0", "55138504X", "55138504-X",
	};
	static const char checks[] = "013456789XABYZ-x ";
	char code[16];
	size_t i, pos, j;
	char exp;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		pos = 99;
		CHECK_OK(gmpki_orgcode_validate(good[i], &pos, &exp));
		CHECK(pos == 0);
	}

	CHECK_RC(gmpki_orgcode_validate("551385044", &pos, &exp),
	    GMPKI_ERR_ORGCODE);
	CHECK(pos == 9 && exp == 'X');
	CHECK_RC(gmpki_orgcode_validate("551385091", &pos, &exp),
	    GMPKI_ERR_ORGCODE);
	CHECK(pos == 9 && exp == '0');
	CHECK_RC(gmpki_orgcode_validate("D21435691", &pos, &exp),
	    GMPKI_ERR_ORGCODE);
	CHECK(pos == 9 && exp == 'X');
	CHECK_RC(gmpki_orgcode_validate("D2143569-1", &pos, &exp),
	    GMPKI_ERR_ORGCODE);
	CHECK(pos == 10 && exp == 'X');
	CHECK_RC(gmpki_orgcode_validate("D2143569x", &pos, &exp),
	    GMPKI_ERR_ORGCODE);
	CHECK(pos == 9 && exp == 'X');
	CHECK_RC(gmpki_orgcode_validate("d2143569X", &pos, &exp),
	    GMPKI_ERR_ORGCODE);
	CHECK(pos == 1);
	CHECK_RC(gmpki_orgcode_validate("D21-3569X", &pos, &exp),
	    GMPKI_ERR_ORGCODE);
	CHECK(pos == 4);
	CHECK_RC(gmpki_orgcode_validate("D2143569+X", &pos, &exp),
	    GMPKI_ERR_ORGCODE);
	CHECK(pos == 9);
	CHECK_RC(gmpki_orgcode_validate("D2143569", &pos, &exp),
	    GMPKI_ERR_ORGCODE);
	CHECK(pos == 0);
	CHECK_RC(gmpki_orgcode_validate("D2143569-XX", &pos, &exp),
	    GMPKI_ERR_ORGCODE);
	CHECK(pos == 0);
	CHECK_RC(gmpki_orgcode_validate("", &pos, &exp), GMPKI_ERR_ORGCODE);
	CHECK_RC(gmpki_orgcode_validate(NULL, &pos, &exp), GMPKI_ERR_ARG);

	/*
	 * Every digit substitution in the body is caught (differences below
	 * 11, weights non-zero mod 11) and reported at the check character;
	 * so is any other check character.
	 */
	for (i = 0; i < 8; i++) {
		for (j = 0; j < 10; j++) {
			strcpy(code, "55138508-2");
			if (code[i] == (char)('0' + j))
				continue;
			code[i] = (char)('0' + j);
			pos = 0;
			CHECK_RC(gmpki_orgcode_validate(code, &pos, &exp),
			    GMPKI_ERR_ORGCODE);
			CHECK(pos == 10 && exp != '2');
		}
	}
	for (j = 0; j < strlen(checks); j++) {
		strcpy(code, "55138508-2");
		code[9] = checks[j];
		pos = 0;
		CHECK_RC(gmpki_orgcode_validate(code, &pos, &exp),
		    GMPKI_ERR_ORGCODE);
		CHECK(pos == 10 && exp == '2');
	}
}

int
main(void)
{
	RUN(test_uscc_valid);
	RUN(test_uscc_check_char_all_values);
	RUN(test_uscc_mutations);
	RUN(test_uscc_errors);
	RUN(test_uscc_inner_orgcode);
	RUN(test_orgcode);
	TEST_MAIN_END();
}
