// Opora's progressive enhancements. Every page works without this file; it only adds comfort.
// Loaded with `defer` from /static (the CSP forbids inline scripts), so the DOM is ready here.
(function () {
  'use strict';

  // Forms marked data-confirm="Question?" (disabling a plugin, deleting) ask before they post.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) event.preventDefault();
  });

  // After a failed submit, put the cursor in the first field that needs fixing, so keyboard and
  // screen-reader users land where the problem is.
  var invalid = document.querySelector('[aria-invalid="true"]');
  if (invalid && typeof invalid.focus === 'function') invalid.focus();
})();
