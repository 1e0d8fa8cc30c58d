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
    var chosenType = function () {
      if (typeSelect) return typeSelect.value;
      // The portal asks with radio buttons; on the ticket page there is no type to choose at all
      // (the server sent only fields that apply).
      var checked = document.querySelector('input[name="type"]:checked');
      return checked ? checked.value : null;
    };
    var refresh = function () {
      var type = chosenType();
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

  // The bell follows new notifications while a page is open: the badge, the tab title, and (when
  // the person allowed it) the browser's own notification for entries meant to pop up.
  var bell = document.querySelector('[data-bell]');
  if (bell && window.fetch) {
    var badge = bell.querySelector('[data-bell-count]');
    var baseTitle = document.title.replace(/^\(\d+\+?\) /, '');
    var since = '';
    var check = function () {
      fetch(bell.getAttribute('data-poll') + (since ? '?since=' + encodeURIComponent(since) : ''), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) return;
          var label = data.count >= 100 ? '99+' : String(data.count);
          badge.textContent = label;
          badge.hidden = data.count === 0;
          document.title = data.count > 0 ? '(' + label + ') ' + baseTitle : baseTitle;
          since = data.now;
          if (since && data.fresh.length && window.Notification && Notification.permission === 'granted') {
            data.fresh.forEach(function (entry) {
              var shown = new Notification(data.title, { body: entry.text, tag: entry.id });
              shown.onclick = function () { window.focus(); window.location.href = entry.url; };
            });
          }
        })
        .catch(function () {});
    };
    check();
    setInterval(check, 30000);
  }
  var askPermission = document.querySelector('[data-browser-permission]');
  if (askPermission && window.Notification && Notification.permission === 'default') {
    askPermission.hidden = false;
    askPermission.addEventListener('click', function () {
      Notification.requestPermission().then(function () { askPermission.hidden = true; });
    });
  }

  // After a failed submit, put the cursor in the first field that needs fixing, so keyboard and
  // screen-reader users land where the problem is.
  var invalid = document.querySelector('[aria-invalid="true"]');
  if (invalid && typeof invalid.focus === 'function') invalid.focus();
})();
