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

  // An open ticket page follows the ticket live (server-sent events): who else is viewing or
  // replying, and a notice when someone else changed it. Typing a reply tells the others.
  var live = document.querySelector('[data-live]');
  if (live && window.EventSource) {
    var base = live.getAttribute('data-live');
    var presence = live.querySelector('[data-presence]');
    var changed = live.querySelector('[data-changed]');
    var version = live.getAttribute('data-version');
    var source = new EventSource(base + '/events');
    source.addEventListener('presence', function (event) {
      var people = JSON.parse(event.data);
      presence.textContent = people
        .map(function (person) {
          return presence.getAttribute(person.activity === 'replying' ? 'data-label-replying' : 'data-label-viewing').replace('{{name}}', person.name);
        })
        .join(' · ');
      presence.hidden = people.length === 0;
    });
    source.addEventListener('ticket', function (event) {
      if (String(JSON.parse(event.data).version) !== version) changed.hidden = false;
    });
    var body = document.getElementById('field-body');
    var csrf = document.querySelector('input[name="_csrf"]');
    var lastSignal = 0;
    if (body && csrf) {
      body.addEventListener('input', function () {
        if (Date.now() - lastSignal < 10000) return;
        lastSignal = Date.now();
        fetch(base + '/presence', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf.value },
          body: JSON.stringify({ activity: 'replying' }),
          credentials: 'same-origin',
        });
      });
    }
  }

  // Custom fields on the new-ticket form: show only those that apply to the chosen type and whose
  // condition on another field holds (the server applies the same rules whatever is shown).
  var customFields = document.querySelectorAll('[data-custom-field]');
  if (customFields.length) {
    var valueOf = function (key) {
      var input = document.querySelector('[name="custom[' + key + ']"]');
      if (!input) return '';
      if (input.type === 'checkbox') return input.checked ? 'true' : 'false';
      return input.value;
    };
    var typeSelect = document.getElementById('field-type');
    var refresh = function () {
      // On the ticket page there is no type to choose: the server sent only fields that apply.
      var type = typeSelect ? typeSelect.value : null;
      customFields.forEach(function (field) {
        var types = field.getAttribute('data-types');
        var when = field.getAttribute('data-when-field');
        var shown = (!types || type === null || types.split(' ').indexOf(type) >= 0) && (!when || valueOf(when) === field.getAttribute('data-when-value'));
        field.hidden = !shown;
      });
    };
    document.addEventListener('change', refresh);
    refresh();
  }

  // After a failed submit, put the cursor in the first field that needs fixing, so keyboard and
  // screen-reader users land where the problem is.
  var invalid = document.querySelector('[aria-invalid="true"]');
  if (invalid && typeof invalid.focus === 'function') invalid.focus();
})();
