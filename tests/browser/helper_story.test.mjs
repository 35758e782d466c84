// helper_story.test.mjs - the seed's §3-4 story with the certificate
// helper running: portal -> 申请证书 -> login with the captcha -> the
// certificate page with 企业代码/企业名称 -> 下载证书 -> the helper's
// 下载成功 -> 确定 -> the service's certificate information page; then
// the helper's console lists the new certificate.  Started by
// tests/helper/browser_story.sh, which runs certsvc and certhelper and
// passes:
//   BASE         the service (http://127.0.0.1:PORT)
//   HELPER       the helper (http://127.0.0.1:HPORT)
//   DB           the service's SQLite file (captcha answers, honestly:
//                there is no bypass)
//   CONSOLE_URL  what `certhelper console` printed (with the token)
//   CERTHELPER   the certhelper binary (`certhelper list`)
//   OUT          where screenshots go
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.BASE;
const HELPER = process.env.HELPER;
const DB = process.env.DB;
const CONSOLE_URL = process.env.CONSOLE_URL;
const CERTHELPER = process.env.CERTHELPER;
const OUT = process.env.OUT || tmpdir();
const USER = process.env.USER_NAME || 'demo1';
const PASS = process.env.USER_PASS || 'Demo@2026a';

for (const [k, v] of Object.entries({ BASE, HELPER, DB, CONSOLE_URL, CERTHELPER }))
	if (!v)
		throw new Error(`helper_story.test.mjs: ${k} is not set (run tests/helper/browser_story.sh)`);

let browser;
let serial;
let uscc;
const cspErrors = [];

function sql(query) {
	return execFileSync('sqlite3', ['-readonly', DB, query], { encoding: 'utf8' }).trim();
}

async function newPage() {
	const ctx = await browser.newContext({ locale: 'zh-CN' });
	const page = await ctx.newPage();
	page.on('console', (m) => {
		if (/Content[ -]Security[ -]Policy/i.test(m.text()))
			cspErrors.push(m.text());
	});
	return page;
}

before(async () => {
	browser = await chromium.launch({
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update',
			'--disable-sync'],
	});
	mkdirSync(OUT, { recursive: true });
});

after(async () => {
	if (browser)
		await browser.close();
});

test('§3-4: 申请证书, login, 下载证书, 下载成功, 确定, certificate information', async () => {
	const page = await newPage();
	await page.goto(BASE + '/');
	await Promise.all([page.waitForLoadState('load'),
		page.locator('ul.service-links').getByRole('link', { name: '申请证书', exact: true }).click()]);
	assert.equal(new URL(page.url()).pathname, '/apply');

	// login: the captcha's answer from the service's database
	const cid = await page.locator('input[name=cid]').inputValue();
	const answer = sql(`SELECT answer FROM captchas WHERE id = '${cid}'`);
	assert.match(answer, /^[A-Z0-9]{4}$/);
	await page.fill('#username', USER);
	await page.fill('#password', PASS);
	await page.fill('#captcha', answer);
	await Promise.all([page.waitForLoadState('load'), page.click('#login-submit')]);
	assert.equal(new URL(page.url()).pathname, '/apply/cert');

	// the certificate page shows 企业代码 and 企业名称, and finds the helper
	const main = page.locator('main');
	assert.ok((await main.innerText()).includes('企业代码'));
	assert.ok((await main.innerText()).includes('企业名称'));
	uscc = (await page.locator('#uscc').innerText()).trim();
	const org = (await page.locator('#org').innerText()).trim();
	assert.match(uscc, /^[0-9A-Z]{18}$/);
	assert.ok(org.length > 0);
	await page.locator('#helper[data-state=running]').waitFor({ timeout: 10000 });
	await page.screenshot({ path: join(OUT, 'helper-1-cert-page.png'), fullPage: true });

	// 下载证书: the hand-off page posts the ticket to the helper, which
	// answers 下载成功
	await page.getByRole('button', { name: '下载证书', exact: true }).click();
	await page.waitForURL(HELPER + '/v1/enroll', { timeout: 30000 });
	const dialog = page.locator('#enroll-ok');
	await dialog.waitFor({ timeout: 30000 });
	assert.ok((await dialog.innerText()).includes('下载成功'));
	assert.equal((await page.locator('#uscc').innerText()).trim(), uscc);
	assert.equal((await page.locator('#org').innerText()).trim(), org);
	assert.equal((await page.locator('#username').innerText()).trim(), USER);
	serial = (await page.locator('#serial').innerText()).trim();
	assert.match(serial, /^[0-9A-F]+$/);
	assert.ok(!(await page.content()).includes('PRIVATE KEY'));
	await page.screenshot({ path: join(OUT, 'helper-2-download-ok.png'), fullPage: true });

	// 确定: back to the service's certificate information page
	await Promise.all([page.waitForURL((u) => u.toString().startsWith(BASE + '/apply/done')),
		page.getByRole('link', { name: '确定', exact: true }).click()]);
	await page.locator('#serial').waitFor({ timeout: 15000 });
	assert.equal((await page.locator('#serial').innerText()).trim(), serial);
	assert.equal((await page.locator('#uscc').innerText()).trim(), uscc);
	await page.screenshot({ path: join(OUT, 'helper-3-cert-info.png'), fullPage: true });

	// the helper holds it
	const list = execFileSync(CERTHELPER, ['list'], { encoding: 'utf8' });
	assert.ok(list.includes(USER), list);
	assert.deepEqual(cspErrors, []);
	await page.context().close();
});

test('证书管理: the console opened with `certhelper console` lists the certificate', async () => {
	assert.ok(serial, 'the download test ran first');
	const page = await newPage();
	// without the token: refused, and says how to open it
	const denied = await page.goto(HELPER + '/console');
	assert.equal(denied.status(), 403);
	assert.ok((await page.locator('main').innerText()).includes('certhelper console'));

	await page.goto(CONSOLE_URL);
	assert.equal(page.url(), HELPER + '/console');
	const table = page.locator('#cert-list');
	await table.waitFor();
	const text = await table.innerText();
	assert.ok(text.includes(USER));
	assert.ok(text.includes(uscc));
	for (const col of ['用户名', '企业名称', '企业代码', '有效期至'])
		assert.ok(text.includes(col), col);
	await page.screenshot({ path: join(OUT, 'helper-4-console.png'), fullPage: true });

	await page.getByRole('link', { name: '详情' }).first().click();
	await page.locator('#cert').waitFor();
	assert.equal((await page.locator('#serial').innerText()).trim(), serial);
	await page.screenshot({ path: join(OUT, 'helper-5-details.png'), fullPage: true });

	await page.getByRole('link', { name: '在线状态查询' }).click();
	await page.locator('#status[data-status=good]').waitFor();
	assert.equal((await page.locator('#online').innerText()).trim(), '正常');

	await page.getByRole('link', { name: '环境检查' }).click();
	await page.locator('#env[data-ok="1"]').waitFor();
	await page.screenshot({ path: join(OUT, 'helper-6-env.png'), fullPage: true });

	await page.getByRole('link', { name: '清除身份认证信息' }).click();
	await Promise.all([page.waitForLoadState('load'), page.click('#clear-submit')]);
	assert.ok((await page.locator('main').innerText()).includes('已清除身份认证信息'));
	await page.screenshot({ path: join(OUT, 'helper-7-cleared.png'), fullPage: true });
	assert.deepEqual(cspErrors, []);
	await page.context().close();
});
