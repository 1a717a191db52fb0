// Copy buttons for netrepl's sessions in the book: each input line has one
// button for the command and one for the shell line that runs it
// (`netrepl -c "..."`). The text to copy is in the button's data-copy.
(function () {
    "use strict";

    function copyText(text) {
        if (navigator.clipboard && window.isSecureContext) {
            return navigator.clipboard.writeText(text);
        }
        // Pages opened from file:// have no clipboard API: use a textarea.
        return new Promise(function (resolve, reject) {
            var area = document.createElement("textarea");
            area.value = text;
            area.setAttribute("readonly", "");
            area.style.position = "absolute";
            area.style.left = "-9999px";
            document.body.appendChild(area);
            area.select();
            var ok = false;
            try {
                ok = document.execCommand("copy");
            } catch (e) {
                ok = false;
            }
            document.body.removeChild(area);
            if (ok) {
                resolve();
            } else {
                reject(new Error("copy failed"));
            }
        });
    }

    function flash(button, label) {
        var before = button.textContent;
        button.textContent = label;
        button.classList.add("netrepl-copied");
        setTimeout(function () {
            button.textContent = before;
            button.classList.remove("netrepl-copied");
        }, 1200);
    }

    document.addEventListener("click", function (event) {
        var button = event.target.closest && event.target.closest(".netrepl-copy");
        if (!button) {
            return;
        }
        copyText(button.getAttribute("data-copy")).then(
            function () { flash(button, "copied"); },
            function () { flash(button, "select and copy"); }
        );
    });
})();
