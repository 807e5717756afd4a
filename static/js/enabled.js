// GOV.UK Frontend's "js-enabled" snippet, as a file so the Content-Security-Policy allows no inline script.
// Loaded at the top of <body> (not deferred), so components are styled for JavaScript before first paint.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
