// smr: progressive enhancement only. The page works fully without this file: the text
// behind every copy button stays on the page, selectable, and a video is a plain link.
(function () {
  "use strict";

  // One polite live region tells screen reader users that a copy worked.
  var status = null;
  function announce(message) {
    if (!status) {
      status = document.createElement("p");
      status.className = "copy-status visually-hidden";
      status.setAttribute("role", "status");
      document.body.appendChild(status);
    }
    status.textContent = "";
    setTimeout(function () { status.textContent = message; }, 50);
  }

  function textOf(target) {
    return (target.tagName === "TEXTAREA" ? target.value : target.textContent).trim();
  }

  // What a button copies: its own data-copy-text (a quote with its attribution), else its target's text.
  function copyText(button, target) {
    var own = button.getAttribute("data-copy-text");
    return own !== null ? own : textOf(target);
  }

  // Copy buttons: hidden in the HTML, shown only when copying can work here.
  if (navigator.clipboard && window.isSecureContext) {
    document.querySelectorAll("button.copy[data-copy-target]").forEach(function (button) {
      var target = document.getElementById(button.getAttribute("data-copy-target"));
      if (!target) return;
      button.hidden = false;
      var done = button.getAttribute("data-copied") || "Copied";
      button.addEventListener("click", function () {
        var text = copyText(button, target);
        navigator.clipboard.writeText(text).then(function () {
          button.classList.add("copied");
          announce(done + ": " + text.slice(0, 80));
          setTimeout(function () { button.classList.remove("copied"); }, 2000);
        }, function () {
          // Clipboard refused: select the text so the reader can copy it by hand.
          var range = document.createRange();
          range.selectNodeContents(target);
          var selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          if (target.select) target.select();
        });
      });
    });
  }

  // Videos: nothing is requested from the video host until the reader asks for it.
  document.querySelectorAll("figure.video[data-embed]").forEach(function (figure) {
    var link = figure.querySelector("a.video-link");
    if (!link) return;
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var player;
      if (figure.getAttribute("data-kind") === "mp4") {
        player = document.createElement("video");
        player.controls = true;
        player.autoplay = true;
      } else {
        player = document.createElement("iframe");
        player.allow = "autoplay; fullscreen; picture-in-picture; encrypted-media";
        player.allowFullscreen = true;
        player.referrerPolicy = "strict-origin-when-cross-origin";
      }
      player.src = figure.getAttribute("data-embed");
      player.title = figure.getAttribute("data-title") || "";
      link.replaceWith(player);
      player.focus();
    });
  });
})();
