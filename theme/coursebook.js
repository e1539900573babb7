// Course book behaviour, loaded after mdBook's own scripts (additional-js).
//
// 1. A button that hides or shows every answer and annotation of the page, so that a student
//    can test themself; the choice is remembered (localStorage) across pages and visits.
//    While answers are hidden, each one can be revealed on its own.
// 2. mdBook's interface strings (menu titles, search box, navigation) in French when the page
//    is French (<html lang="fr">): mdBook's template only has English ones.
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

    // ---- French interface strings --------------------------------------------------------

    var frenchStrings = {
        'Toggle Table of Contents': 'Afficher ou masquer la table des matières',
        'Table of contents': 'Table des matières',
        'Change theme': 'Changer de thème',
        'Themes': 'Thèmes',
        'Toggle Searchbar': 'Afficher ou masquer la recherche',
        'Search (`/`)': 'Rechercher (`/`)',
        'Print this book': 'Imprimer ce livre',
        'Git repository': 'Dépôt Git',
        'Suggest an edit': 'Proposer une modification',
        'Previous chapter': 'Chapitre précédent',
        'Next chapter': 'Chapitre suivant',
        'Page navigation': 'Navigation entre les pages',
        'Search this book ...': 'Rechercher dans ce livre…',
        'Copy to clipboard': 'Copier dans le presse-papiers',
        'Copied!': 'Copié !',
        'Show hidden lines': 'Afficher les lignes masquées',
        'Hide lines': 'Masquer les lignes',
        'Run this code': 'Exécuter ce code',
        'Undo changes': 'Annuler les modifications',
        'Keyboard shortcuts': 'Raccourcis clavier',
        'Light': 'Clair',
        'Coal': 'Charbon',
        'Navy': 'Marine',
    };

    // Pieces of the help popup's sentences, which mix text and <kbd> keys.
    var frenchPieces = [
        ['Press ', 'Appuyez sur '],
        [' or ', ' ou '],
        [' to navigate between chapters', ' pour changer de chapitre'],
        [' to search in the book', ' pour chercher dans le livre'],
        [' to show this help', ' pour afficher cette aide'],
        [' to hide this help', ' pour masquer cette aide'],
    ];

    var ATTRIBUTES = ['title', 'aria-label', 'placeholder'];

    function translateElement(el) {
        ATTRIBUTES.forEach(function (name) {
            var value = el.getAttribute(name);
            if (value && Object.prototype.hasOwnProperty.call(frenchStrings, value)) {
                el.setAttribute(name, frenchStrings[value]);
            }
        });
    }

    function translateSearchHeader(header) {
        var text = header.textContent || '';
        var match = /^(\d+) search results? for '(.*)':$/.exec(text);
        if (match) {
            var n = Number(match[1]);
            header.textContent = n + (n > 1 ? ' résultats' : ' résultat') + ' pour « ' + match[2] + ' » :';
            return;
        }
        match = /^No search results for '(.*)'\.$/.exec(text);
        if (match) {
            header.textContent = 'Aucun résultat pour « ' + match[1] + ' ».';
        }
    }

    function translateInterface() {
        var chrome = document.querySelectorAll('[title], [aria-label], [placeholder]');
        Array.prototype.forEach.call(chrome, translateElement);

        var leaves = document.querySelectorAll('#mdbook-theme-list button, .mdbook-help-title');
        Array.prototype.forEach.call(leaves, function (el) {
            var text = (el.textContent || '').trim();
            if (Object.prototype.hasOwnProperty.call(frenchStrings, text)) {
                el.textContent = frenchStrings[text];
            }
        });

        var help = document.querySelectorAll('#mdbook-help-popup p');
        Array.prototype.forEach.call(help, function (p) {
            Array.prototype.forEach.call(p.childNodes, function (node) {
                if (node.nodeType !== 3) {
                    return;
                }
                frenchPieces.forEach(function (pair) {
                    node.nodeValue = node.nodeValue.split(pair[0]).join(pair[1]);
                });
            });
        });

        // mdBook sets some strings later (copy buttons, search results): follow the changes.
        if (typeof MutationObserver !== 'function' || !document.body) {
            return;
        }
        var header = document.getElementById('mdbook-searchresults-header');
        new MutationObserver(function (mutations) {
            mutations.forEach(function (m) {
                if (m.type === 'attributes' && m.target.nodeType === 1) {
                    translateElement(m.target);
                } else if (m.type === 'childList') {
                    if (header && (m.target === header || header.contains(m.target))) {
                        translateSearchHeader(header);
                    }
                    Array.prototype.forEach.call(m.addedNodes, function (node) {
                        if (node.nodeType === 1) {
                            translateElement(node);
                        }
                    });
                }
            });
        }).observe(document.body, {
            subtree: true,
            childList: true,
            attributes: true,
            attributeFilter: ATTRIBUTES,
        });
    }

    function start() {
        setUpAnswerToggle();
        if (french) {
            translateInterface();
        }
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
})();
