/*
 * helper.js - is the certificate helper (证书助手) running on this
 * computer?  docs/HELPER-PROTOCOL.md §1: GET HELPER/v1/ping answers
 * {"ok":true,...} with CORS for this service's origin.
 *
 * The page carries the helper's base URL in #helper[data-helper] and the
 * texts (both languages come from the server) in #helper-checking,
 * #helper-ok and #helper-missing.  A form #helper-form[data-autosubmit]
 * is submitted to the helper only when it answered: posting to a port
 * nobody listens on would leave the user on "该页无法显示".
 * A link #follow is followed at once (see svc/pages_apply.c).
 * reportsys serves this file too: its hand-over page carries the
 * helper's login URL in #helper[data-next], opened once the helper
 * answered (without an answer the page shows the seed's FAQ 5).
 */
(function () {
	'use strict';

	var follow = document.getElementById('follow');
	if (follow) {
		window.location.replace(follow.href);
		return;
	}
	var box = document.getElementById('helper');
	if (!box)
		return;
	var base = box.getAttribute('data-helper') || '';
	var form = document.getElementById('helper-form');
	var next = box.getAttribute('data-next') || '';

	function show(id, on) {
		var e = document.getElementById(id);
		if (e)
			e.hidden = !on;
	}

	function settle(ok) {
		show('helper-checking', false);
		show('helper-ok', ok);
		show('helper-missing', !ok);
		box.setAttribute('data-state', ok ? 'running' : 'missing');
		if (ok && form && form.hasAttribute('data-autosubmit'))
			form.submit();
		// a reporting system's hand-over page: on to the helper's
		// 客户身份验证 window (docs/LOGIN-PROTOCOL.md §2)
		if (ok && next.indexOf(base + '/v1/login?') === 0)
			window.location.replace(next);
	}

	if (!/^http:\/\/127\.0\.0\.1:[0-9]{1,5}$/.test(base) || !window.fetch) {
		settle(false);
		return;
	}
	var ctl = window.AbortController ? new AbortController() : null;
	var timer = window.setTimeout(function () {
		if (ctl)
			ctl.abort();
	}, 3000);
	window.fetch(base + '/v1/ping', {
		mode: 'cors',
		cache: 'no-store',
		credentials: 'omit',
		signal: ctl ? ctl.signal : undefined
	}).then(function (r) {
		return r.ok ? r.json() : null;
	}).then(function (j) {
		window.clearTimeout(timer);
		settle(!!(j && j.ok === true));
	}).catch(function () {
		window.clearTimeout(timer);
		settle(false);
	});
})();
