/* Submits the helper's answer to the reporting system's registered return
 * URL; the 继续 button does the same without JavaScript. */
(function () {
	'use strict';
	var f = document.getElementById('certauth-post');
	if (f) {
		f.submit();
	}
}());
