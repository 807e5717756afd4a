// Housekeeping for the case drafts that js/case-draft.js keeps in this browser's localStorage, on every page:
// - a draft is kept for DRAFT_DAYS after it was last typed in, then removed;
// - signing out removes the signed-in user's drafts;
// - when someone is signed in, drafts of anyone else are removed: a browser shared by two people never keeps one
//   person's unsaved evidence for the other to find (drafts are also keyed by user, so none is ever offered to
//   another user).
// Keys are "case-draft:<user id>:<case id>"; older "case-draft-..." keys are removed too.
(function () {
  "use strict";

  var DRAFT_DAYS = 7;
  var PREFIX = "case-draft";
  var storage;
  try {
    storage = window.localStorage;
  } catch (error) {
    return;
  }
  if (!storage) return;

  function draftKeys() {
    var keys = [];
    for (var index = 0; index < storage.length; index += 1) {
      var key = storage.key(index);
      if (key && key.indexOf(PREFIX) === 0) keys.push(key);
    }
    return keys;
  }

  function expired(key) {
    try {
      var draft = JSON.parse(storage.getItem(key));
      var savedAt = Date.parse(draft && draft.savedAt);
      return !(savedAt > Date.now() - DRAFT_DAYS * 24 * 60 * 60 * 1000);
    } catch (error) {
      return true;
    }
  }

  var owner = document.body.getAttribute("data-user");
  var ownPrefix = owner ? PREFIX + ":" + owner + ":" : null;
  draftKeys().forEach(function (key) {
    var othersDraft = ownPrefix !== null && key.indexOf(ownPrefix) !== 0;
    var oldKey = key.indexOf(PREFIX + ":") !== 0;
    if (othersDraft || oldKey || expired(key)) storage.removeItem(key);
  });

  Array.prototype.forEach.call(document.querySelectorAll("form[data-sign-out]"), function (form) {
    form.addEventListener("submit", function () {
      draftKeys().forEach(function (key) {
        if (ownPrefix !== null && key.indexOf(ownPrefix) === 0) storage.removeItem(key);
      });
    });
  });
})();
