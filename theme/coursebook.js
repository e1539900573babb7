// Course book behaviour, loaded after mdBook's own scripts (additional-js).
//
// 1. A button that hides or shows every answer and annotation of the page, so that a student
//    can test themself; the choice is remembered (localStorage) across pages and visits.
//    While answers are hidden, each one can be revealed on its own.
// mdBook's own interface strings come in the book's language from the build itself
// (preprocessors/cli/interface.rs), not from this script.
//
// No network, no dependency; every DOM lookup tolerates a missing element.
(function () {
    'use strict';

    var french = /^fr\b/i.test(document.documentElement.lang || '');
    var words = french
        ? {
            toggle: 'Masquer les réponses',
            toggleTitle: 'Masquer ou afficher toutes les réponses et remarques pour s\u2019entraîner',
            showAnswer: 'Afficher',
            hideAnswer: 'Masquer',
            toolbar: 'Réponses',
        }
        : {
            toggle: 'Hide the answers',
            toggleTitle: 'Hide or show every answer and note, to test yourself',
            showAnswer: 'Show',
            hideAnswer: 'Hide',
            toolbar: 'Answers',
        };

    var STORAGE_KEY = 'coursebook-answers-hidden';

    function storedHidden() {
        try {
            return window.localStorage.getItem(STORAGE_KEY) === 'true';
        } catch (e) {
            return false; // storage disabled: answers shown
        }
    }

    function storeHidden(hidden) {
        try {
            window.localStorage.setItem(STORAGE_KEY, hidden ? 'true' : 'false');
        } catch (e) {
            // storage disabled: the choice lasts for this page only
        }
    }

    function setUpAnswerToggle() {
        var main = document.querySelector('#mdbook-content main') || document.querySelector('main');
        if (!main) {
            return;
        }
        var blocks = Array.prototype.slice.call(main.querySelectorAll('.cb-answer, .cb-note'));
        if (blocks.length === 0) {
            return; // the sujet, or a page without answers: no button
        }
        var root = document.documentElement;

        // One reveal button per answer, shown only while answers are hidden.
        var reveals = blocks.map(function (block) {
            var button = document.createElement('button');
            button.type = 'button';
            button.className = 'cb-reveal';
            button.textContent = words.showAnswer;
            button.setAttribute('aria-expanded', 'false');
            if (block.id) {
                button.setAttribute('aria-controls', block.id);
            }
            var label = block.querySelector(':scope > .cb-label');
            if (label) {
                label.appendChild(button);
            } else {
                block.parentNode.insertBefore(button, block);
            }
            button.addEventListener('click', function () {
                var revealed = block.classList.toggle('cb-revealed');
                button.setAttribute('aria-expanded', revealed ? 'true' : 'false');
                button.textContent = revealed ? words.hideAnswer : words.showAnswer;
            });
            return { button: button, block: block };
        });

        var toolbar = document.createElement('div');
        toolbar.className = 'cb-toolbar';
        toolbar.setAttribute('role', 'group');
        toolbar.setAttribute('aria-label', words.toolbar);
        var toggle = document.createElement('button');
        toggle.type = 'button';
        toggle.className = 'cb-toggle';
        toggle.textContent = words.toggle;
        toggle.title = words.toggleTitle;
        toolbar.appendChild(toggle);
        main.insertBefore(toolbar, main.firstChild);

        function apply(hidden) {
            root.classList.toggle('cb-answers-hidden', hidden);
            toggle.setAttribute('aria-pressed', hidden ? 'true' : 'false');
            reveals.forEach(function (r) {
                r.block.classList.remove('cb-revealed');
                r.button.hidden = !hidden;
                r.button.setAttribute('aria-expanded', 'false');
                r.button.textContent = words.showAnswer;
            });
        }

        toggle.addEventListener('click', function () {
            var hidden = toggle.getAttribute('aria-pressed') !== 'true';
            apply(hidden);
            storeHidden(hidden);
        });

        // Another tab changed the choice: follow it.
        window.addEventListener('storage', function (event) {
            if (event.key === STORAGE_KEY) {
                apply(event.newValue === 'true');
            }
        });

        apply(storedHidden());
    }

    function start() {
        setUpAnswerToggle();
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
})();
