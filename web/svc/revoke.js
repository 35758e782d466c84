/*
 * revoke.js - the 废除证书 confirmation dialog (seed FAQ 9: 系统弹出
 * "废除证书"确认框, 点击"确定").  Each 废除 button is a link to
 * /revoke/confirm?serial=..., the confirmation page that works without
 * script; here the click opens the <dialog> instead, whose form posts the
 * serial with the session's CSRF token to /revoke/do.
 */
(function () {
	'use strict';

	var dlg = document.getElementById('revoke-dialog');
	if (!dlg || typeof dlg.showModal !== 'function')
		return;
	var input = document.getElementById('revoke-serial');
	var label = document.getElementById('revoke-serial-text');
	var cancel = document.getElementById('revoke-cancel');
	var links = document.querySelectorAll('a.revoke[data-serial]');
	var i;

	function open(ev) {
		var serial = this.getAttribute('data-serial');

		if (!/^[0-9A-F]{1,40}$/.test(serial))
			return;
		ev.preventDefault();
		input.value = serial;
		label.textContent = serial;
		dlg.showModal();
	}

	for (i = 0; i < links.length; i++)
		links[i].addEventListener('click', open);
	cancel.addEventListener('click', function () {
		input.value = '';
		dlg.close();
	});
})();
