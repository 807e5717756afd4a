// Keeps a copy of the case form in this browser (localStorage) as the user types, so an expired session,
// a server error or a lost connection at save time never loses their text. When the page is shown with
// answers different from the copy, it offers to restore them. Without JavaScript the form works as usual.
(function () {
  "use strict";

  var storage;
  try {
    storage = window.localStorage;
  } catch (error) {
    return;
  }
  if (!storage) return;

  // The conflict page: taking the other version means the typed copy is no longer wanted.
  Array.prototype.forEach.call(document.querySelectorAll("a[data-discard-draft]"), function (link) {
    link.addEventListener("click", function () {
      storage.removeItem(link.getAttribute("data-discard-draft"));
    });
  });

  var form = document.querySelector("form[data-draft-key]");
  if (!form) return;
  var key = form.getAttribute("data-draft-key");
  // Drafts are keyed by user ("case-draft:<user>:<case>"), carry their owner, and expire (js/drafts.js removes
  // them too): one user's typing is never offered to another, nor a week-old copy to anyone.
  var owner = document.body.getAttribute("data-user");
  var DRAFT_DAYS = 7;
  var banner = document.getElementById("restore-draft");
  var skipped = { csrfmiddlewaretoken: true, version: true, loaded: true, action: true };

  function values() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || skipped[element.name]) return;
      if (element.type === "radio") {
        if (element.checked) out[element.name] = element.value;
        else if (!(element.name in out)) out[element.name] = "";
      } else if (element.tagName === "TEXTAREA" || element.type === "text") {
        out[element.name] = element.value;
      }
    });
    return out;
  }

  function differs(stored, current) {
    return Object.keys(stored).some(function (name) {
      return name in current && (stored[name] || "") !== (current[name] || "");
    });
  }

  function read() {
    try {
      var draft = JSON.parse(storage.getItem(key));
      var fresh = Date.parse(draft && draft.savedAt) > Date.now() - DRAFT_DAYS * 24 * 60 * 60 * 1000;
      return draft && draft.user === owner && fresh ? draft : null;
    } catch (error) {
      return null;
    }
  }

  // Only what the user changed since the page was shown is kept, so restoring it never undoes other saves.
  var shown = values();

  function changes() {
    var current = values();
    var changed = {};
    Object.keys(current).forEach(function (name) {
      if (current[name] !== shown[name]) changed[name] = current[name];
    });
    return changed;
  }

  // A copy found when the page was shown, not yet restored or discarded: new typing is added to it, not lost.
  var pending = null;

  function store() {
    var changed = changes();
    if (pending) {
      changed = Object.assign({}, pending, changed);
    }
    try {
      if (Object.keys(changed).length === 0) storage.removeItem(key);
      else storage.setItem(
          key, JSON.stringify({ user: owner, savedAt: new Date().toISOString(), values: changed })
        );
    } catch (error) {
      // Storage full or refused: the form still posts normally.
    }
  }

  function apply(stored) {
    Object.keys(stored).forEach(function (name) {
      var field = form.elements[name];
      if (!field) return;
      if (field.length !== undefined && field[0] && field[0].type === "radio") {
        Array.prototype.forEach.call(field, function (radio) {
          radio.checked = radio.value === stored[name];
          radio.dispatchEvent(new Event("change", { bubbles: true }));  // conditional questions follow
        });
      } else if (field.type === "radio") {
        field.checked = field.value === stored[name];
      } else {
        field.value = stored[name];
      }
    });
  }

  // What the server sent (the HTML's own values, whatever the browser refilled): Discard puts these back.
  function serverValue(name) {
    var field = form.elements[name];
    if (!field) return undefined;
    if (field.length !== undefined && field[0] && field[0].type === "radio") {
      var checked = Array.prototype.filter.call(field, function (radio) { return radio.defaultChecked; })[0];
      return checked ? checked.value : "";
    }
    if (field.type === "radio") return field.defaultChecked ? field.value : "";
    return field.defaultValue;
  }

  var draft = read();
  if (draft && draft.values && differs(draft.values, shown)) {
    pending = draft.values;
    if (banner) {
      var time = banner.querySelector("[data-restore-time]");
      if (time && draft.savedAt) {
        time.textContent = " (last typed " + new Date(draft.savedAt).toLocaleString("en-GB") + ")";
      }
      banner.hidden = false;
      banner.querySelector("[data-restore-draft]").addEventListener("click", function () {
        var stored = read();
        apply(stored && stored.values ? stored.values : pending);
        pending = null;
        store();
        banner.querySelector("[data-restore-message]").textContent =
          "Your unsaved answers have been restored. Save the case to keep them.";
        // Restored: nothing left to choose. (The hidden attribute alone leaves a .govuk-button shown.)
        var choices = banner.querySelector("[data-restore-choices]");
        if (choices) choices.hidden = true;
        banner.focus();
      });
      banner.querySelector("[data-discard-draft]").addEventListener("click", function () {
        // The draft's fields go back to what the server had, and the stored copy is deleted. Typing elsewhere on
        // the page since it was shown is not part of the draft and is kept (and stored, as any typing is).
        var discarded = pending || {};
        var server = {};
        Object.keys(discarded).forEach(function (name) {
          var value = serverValue(name);
          if (value !== undefined) server[name] = value;
        });
        apply(server);
        Object.keys(server).forEach(function (name) { shown[name] = server[name]; });
        pending = null;
        storage.removeItem(key);
        store();
        banner.hidden = true;
      });
    }
  } else {
    storage.removeItem(key);
  }

  form.addEventListener("input", store);
  form.addEventListener("change", store);
  form.addEventListener("submit", store);
})();
